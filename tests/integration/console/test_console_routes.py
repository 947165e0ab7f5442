"""Every page and JSON read answers, and the actions no other test drives do what they say and are audited."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

PAGES = ("/", "/topics", "/groups", "/dlq", "/pipeline", "/trace", "/trace?number=PBNOSUCH", "/alerts", "/audit",
         "/operators")
READS = ("/api/me", "/api/overview", "/api/topics", "/api/groups", "/api/dlq", "/api/pipeline", "/api/alerts",
         "/api/audit")


def test_every_page_and_json_read_answers_an_admin(as_role):
    admin = as_role("admin")
    answers = {path: admin.get(path) for path in (*PAGES, *READS)}
    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(answers, 200)
    assert all(answers[path].mimetype == "text/html" for path in PAGES)
    assert all(answers[path].mimetype == "application/json" for path in READS)


def test_a_number_nothing_is_known_for_is_404_on_the_api(as_role):
    response = as_role("viewer").get("/api/trace?number=PBNOSUCH")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_an_unknown_group_is_404(as_role):
    assert as_role("viewer").get("/api/groups/no-such-group-here").status_code == 404


def test_a_refused_replay_is_audited_with_its_reason(console, as_role):
    operator = as_role("operator")
    assert operator.post("/api/dlq/replay", {"plan_id": "no-such-dry-run"}).status_code == 409
    refused = [e for e in console.audit().recent(50, "replay.execute") if e["target"] == "no-such-dry-run"]
    assert [(e["result"], e["detail"]["error"]) for e in refused] == [("refused", "no such dry run")]


def test_a_disabled_operator_loses_its_session_and_both_changes_are_audited(console, as_role):
    admin, viewer = as_role("admin"), as_role("viewer")
    name = viewer.get("/api/me").json["operator"]

    disabled = admin.client.post(f"/operators/{name}/disable", data={"csrf_token": admin.csrf})
    assert disabled.status_code == 303
    assert viewer.get("/api/me").status_code == 401
    assert console.accounts().get(name).disabled

    admin.client.post(f"/operators/{name}/enable", data={"csrf_token": admin.csrf})
    assert not console.accounts().get(name).disabled
    actions = [e["action"] for e in console.audit().recent(50) if e["target"] == name]
    assert actions[:2] == ["operator.enable", "operator.disable"]


def test_an_admin_cannot_disable_itself(as_role):
    admin = as_role("admin")
    name = admin.get("/api/me").json["operator"]
    response = admin.client.post(f"/operators/{name}/disable", data={"csrf_token": admin.csrf},
                                 headers={"Accept": "application/json"})
    assert response.status_code == 400
