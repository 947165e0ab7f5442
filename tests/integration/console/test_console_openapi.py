"""The console documents its JSON API like every service, and serves the document and its page to anyone."""

import re

import pytest

from services.console.bootstrap import create_console_app

pytestmark = pytest.mark.integration

OPERATIONAL = {"/openapi.json", "/docs", "/healthz", "/readyz", "/metrics"}


def _served(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        if path.startswith("/api/") or path in OPERATIONAL:
            yield from ((path, method.lower()) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))


def test_every_json_route_is_documented_and_every_documented_one_served(console):
    app = create_console_app(console)
    document = app.test_client().get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == set(_served(app))


def test_the_docs_page_needs_no_login(console):
    response = create_console_app(console).test_client().get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "/api/dlq/replay" in response.get_data(as_text=True)


def test_the_api_still_needs_a_session(console):
    response = create_console_app(console).test_client().get("/api/me")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


# Found by fuzzing the console's document: both answered 200 with data.
def test_records_of_a_topic_that_is_no_dead_letter_topic_are_404(as_role):
    response = as_role("admin").get("/api/dlq/orders.v1/records")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_an_unmask_value_other_than_0_or_1_is_400_naming_it(as_role):
    response = as_role("admin").get("/api/dlq/orders.v1.dlq/records?unmask=yes")
    assert response.status_code == 400
    assert response.json["errors"] == [{"field": "unmask", "message": "invalid value"}]
