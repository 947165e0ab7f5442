"""The OpenAPI document is true: every route documented, every documented route served, examples accepted."""

import re
from datetime import UTC, datetime

import pytest

from services.tracking import worker
from services.tracking.openapi import EXAMPLE_BATCH, EXAMPLE_SF_PUSH, EXAMPLE_UPS_ALERT
from services.tracking.views import BatchResponse, TrackingView
from shared.events.envelope import new_event
from tests.integration.tracking.tracking_journey import booked_data, new_numbers, post_sf, post_ups

pytestmark = pytest.mark.integration
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _served(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield path, method.lower()


def test_every_route_is_documented_and_every_documented_route_served(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == set(_served(client.application))


def test_the_examples_are_accepted_by_the_running_api(client):
    assert post_sf(client, EXAMPLE_SF_PUSH).get_json() == {"return_code": "0000", "return_msg": "成功"}
    assert post_ups(client, EXAMPLE_UPS_ALERT).status_code == 200
    batch = client.post("/v1/tracking/batch", json=EXAMPLE_BATCH)
    assert batch.status_code == 200
    BatchResponse.model_validate(batch.get_json())


def test_a_tracking_answer_matches_its_documented_schema(client, service):
    shipment_id, sf, ups = new_numbers()
    event = new_event("shipment.booked", shipment_id, booked_data(shipment_id, sf, ups, datetime.now(UTC)), "/t")
    assert worker.batch_unit(service).apply([event]) == []
    TrackingView.model_validate(client.get(f"/v1/tracking/{sf}").get_json())


def test_the_docs_page_renders_the_document(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "/v1/carriers/sf/route-push" in page and "TrackingView" in page and "<script" not in page


def test_health_and_readiness_answer(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert client.get("/readyz").get_json()["checks"] == {"kafka": True, "store": True}
