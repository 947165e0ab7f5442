"""A poison record reaches its DLQ with its reason; a replay after its dry run reaches the topic exactly once."""

from __future__ import annotations

import pytest

from tests.integration.console.console_support import dead_letter_one
from tests.integration.shared.kafka_helpers import read_all


@pytest.fixture
def poisoned(make_topic, kafka_settings) -> str:
    """A topic whose consumer dead-lettered one record that is not a CloudEvent; returns the topic."""
    topic = make_topic()
    dead_letter_one(kafka_settings, topic, b"PB7QX", b'{"recipient": {"name": "Jane Doe"}, "oops": true')
    return topic


def test_a_poison_record_is_listed_in_its_dlq_with_its_reason_and_masked(console, as_role, poisoned):
    viewer = as_role("viewer")
    summary = {d["topic"]: d for d in viewer.get("/api/dlq").json["topics"]}[poisoned + ".dlq"]
    assert (summary["count"], summary["open"]) == (1, 1)
    assert summary["oldest_age_s"] >= 0
    assert summary["reasons"][0]["error_class"] == "InvalidEnvelope"

    record = viewer.get(f"/api/dlq/{poisoned}.dlq/records").json["records"][0]
    assert record["error_class"] == "InvalidEnvelope"
    assert record["original_topic"] == poisoned
    assert "Jane Doe" not in str(record)
    assert viewer.get(f"/api/dlq/{poisoned}.dlq/records?unmask=1").status_code == 403


def test_a_replay_after_its_dry_run_reaches_the_original_topic_exactly_once(console, as_role, poisoned,
                                                                            kafka_settings):
    operator = as_role("operator")
    dlq = poisoned + ".dlq"
    record_id = f"{dlq}:0:0"
    assert operator.post("/api/dlq/replay", {"plan_id": "not-a-dry-run"}).status_code == 409

    plan = operator.post(f"/api/dlq/{dlq}/dry-run", {"record_ids": [record_id]}).json
    assert (plan["selected"], plan["ready"]) == (1, 1)
    assert plan["records"][0]["target"] == poisoned
    assert len(read_all(kafka_settings, poisoned, expected=2, timeout=2)) == 1  # a dry run produces nothing

    done = operator.post("/api/dlq/replay", {"plan_id": plan["plan_id"]})
    assert done.status_code == 200, done.text
    assert done.json["replayed"] == 1
    again = operator.post("/api/dlq/replay", {"plan_id": plan["plan_id"]})
    assert again.status_code == 409
    second = operator.post(f"/api/dlq/{dlq}/dry-run", {"record_ids": [record_id]}).json
    assert second["ready"] == 0 and second["records"][0]["reason"] == "already replayed"

    records = read_all(kafka_settings, poisoned, expected=3, timeout=3)
    replayed = [r for r in records if dict(r.headers).get("x-replay-of") == record_id.encode()]
    assert len(records) == 2 and len(replayed) == 1
    headers = dict(replayed[0].headers)
    assert replayed[0].key == b"PB7QX"
    assert headers["x-replay-count"] == b"1"
    assert "x-error-class" not in headers
    assert headers["content-type"] == b"application/cloudevents+json"
    actions = [e["action"] for e in console.audit().recent()]
    assert "replay.dry_run" in actions and "replay.execute" in actions


def test_replay_by_filter_and_parking(console, as_role, poisoned):
    operator = as_role("operator")
    dlq = poisoned + ".dlq"
    empty = operator.post(f"/api/dlq/{dlq}/dry-run", {"filter": {}})
    assert empty.status_code == 422
    plan = operator.post(f"/api/dlq/{dlq}/dry-run", {"filter": {"header": "x-error-class=InvalidEnvelope"}}).json
    assert plan["ready"] == 1
    parked = operator.post(f"/api/dlq/{dlq}/park", {"record_ids": [f"{dlq}:0:0"], "reason": "bad producer build"})
    assert parked.json["parked"] == 1
    result = operator.post("/api/dlq/replay", {"plan_id": plan["plan_id"]}).json
    assert result["replayed"] == 0
    assert "already" in result["results"][0]["result"]
    summary = {d["topic"]: d for d in operator.get("/api/dlq").json["topics"]}[dlq]
    assert (summary["open"], summary["parked"]) == (0, 1)


def test_a_viewers_replay_attempt_is_refused_by_the_server(console, as_role, poisoned):
    viewer = as_role("viewer")
    dlq = poisoned + ".dlq"
    refused = viewer.post(f"/api/dlq/{dlq}/dry-run", {"record_ids": [f"{dlq}:0:0"]})
    assert refused.status_code == 403
    assert refused.json["title"] == "Forbidden"
    assert viewer.post("/api/dlq/replay", {"plan_id": "whatever-plan"}).status_code == 403
    assert viewer.post(f"/api/dlq/{dlq}/park", {"record_ids": [f"{dlq}:0:0"], "reason": "nope"}).status_code == 403
    assert [e for e in console.audit().recent() if e["action"] == "refused.replay" and e["result"] == "refused"]
    assert console.replays().states([f"{dlq}:0:0"]) == {}


def test_state_changes_need_the_csrf_token_and_a_session(console, as_role, poisoned):
    operator = as_role("operator")
    dlq = poisoned + ".dlq"
    assert operator.post(f"/api/dlq/{dlq}/dry-run", {"record_ids": [f"{dlq}:0:0"]}, csrf=False).status_code == 403
    anonymous = operator.client.application.test_client()
    assert anonymous.get("/api/topics").status_code == 401
    assert anonymous.get("/topics").status_code == 303
