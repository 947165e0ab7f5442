"""A whole China -> US journey through the HTTP endpoints, the real broker and the real store."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kafka import KafkaConsumer

from services.tracking.domain.numbers import recognise
from shared.events.envelope import decode, new_event
from shared.mongo.outbox import OutboxRelay
from tests.integration.tracking.tracking_flow import records_on, run_until
from tests.integration.tracking.tracking_journey import (
    booked_data,
    journey,
    new_numbers,
    post,
    post_items,
    post_ups,
    shuffled_with_duplicates,
)

pytestmark = pytest.mark.integration


def _booked(shipment_id, sf, ups, at):
    return new_event("shipment.booked", shipment_id, booked_data(shipment_id, sf, ups, at), source="/test")


def test_a_shuffled_duplicated_journey_ends_delivered_with_one_ordered_timeline(
    service, client, publish, runner, topics,
):
    shipment_id, sf, ups = new_numbers()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=9)
    publish([_booked(shipment_id, sf, ups, start)])
    run_until(runner, lambda: service.trackers().get(shipment_id) is not None)

    items = journey(sf, ups, start)
    for request in shuffled_with_duplicates(items):
        assert set(post_items(client, request, sf, ups)) == {200}
    sent = records_on(service, topics["scans"])
    assert sent > len(items)  # the duplicates were recorded too; the tracker absorbs them
    run_until(runner, lambda: runner.counts.consumed >= 1 + sent)

    tracker = service.trackers().get(shipment_id)
    assert (tracker.state.status, tracker.state.milestone, tracker.state.carrier) == ("delivered", "delivered", "ups")
    times = [entry.scan.occurred_at for entry in tracker.timeline]
    ids = [entry.scan.scan_id for entry in tracker.timeline]
    assert times == sorted(times) and len(ids) == len(set(ids)) == 2 + len(items)
    milestones = [e.scan.milestone for e in tracker.timeline if e.scan.milestone]
    assert "import_customs_released" in milestones and "export_customs_cleared" in milestones
    assert runner.counts.dead_lettered == 0

    views = [client.get(f"/v1/tracking/{number}").get_json() for number in (shipment_id, sf, ups)]
    assert {(v["status"], v["milestone"]) for v in views} == {("delivered", "delivered")}
    assert [v["number_kind"] for v in views] == ["shipment_id", "sf_waybill", "ups_tracking_number"]
    events = views[0]["events"]
    times = [datetime.fromisoformat(e["occurred_at"]) for e in events]
    assert times == sorted(times, reverse=True)
    hold = next(e for e in events if e["status"] == "on_hold")
    assert hold["reason"] == "customs_duties_unpaid" and hold["description"] == "On hold: import duties are due"
    zh = client.get(f"/v1/tracking/{sf}", headers={"Accept-Language": "zh-CN"}).get_json()
    assert zh["status_description"] == "已签收" and zh["recipient"]["city"] == "Los Angeles"

    # The consumer published its status changes right after writing them: nothing is left for the sweeper.
    assert OutboxRelay(service.outbox_collections(), service.producer()).relay_once() == 0
    changes = _status_changes(service, topics["tracking"], shipment_id)
    assert changes[-1]["status"] == "delivered" and changes[-1]["physically_scanned"] is True
    pairs = [(c["status"], c["milestone"]) for c in changes]
    assert len(pairs) == len(set(pairs))  # once per change


def test_unchanged_polls_are_304_and_a_change_gives_a_new_etag(service, client, publish, runner, topics):
    shipment_id, sf, ups = new_numbers()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    publish([_booked(shipment_id, sf, ups, start)])
    run_until(runner, lambda: service.trackers().get(shipment_id) is not None)
    first = client.get(f"/v1/tracking/{ups}")
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(f"/v1/tracking/{ups}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert set(post_items(client, journey(sf, ups, start)[:1], sf, ups)) == {200}
    run_until(runner, lambda: service.trackers().get(shipment_id).state.status == "picked_up")
    changed = client.get(f"/v1/tracking/{ups}", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_the_batch_endpoint_answers_per_number(service, client, publish, runner):
    shipment_id, sf, ups = new_numbers()
    publish([_booked(shipment_id, sf, ups, datetime.now(UTC))])
    run_until(runner, lambda: service.trackers().get(shipment_id) is not None)
    unknown = new_numbers()[1]
    response = client.post("/v1/tracking/batch", json={"numbers": [sf, unknown, "bad", ups, shipment_id]})
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [200, 404, 400, 200, 200]
    assert {r["tracking"]["numbers"]["shipment_id"] for r in results if r["status"] == 200} == {shipment_id}
    assert client.post("/v1/tracking/batch", json={"numbers": [sf] * 41}).status_code == 413


def test_scans_for_an_unbooked_number_are_parked_and_released_when_the_tracker_appears(
    service, client, publish, runner, topics,
):
    shipment_id, sf, ups = new_numbers()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    early = journey(sf, ups, start)[:3]
    response_codes = post_items(client, early, sf, ups)
    assert response_codes == [200]
    assert records_on(service, topics["scans"]) == 0
    assert service.database().parked_scans.count_documents({}) == 3
    assert client.get(f"/v1/tracking/{sf}").status_code == 404

    publish([_booked(shipment_id, sf, ups, start)])
    run_until(runner, lambda: (t := service.trackers().get(shipment_id)) is not None and len(t.timeline) == 5)
    assert service.trackers().get(shipment_id).state.milestone == "origin_hub_processed"
    assert service.database().parked_scans.count_documents({}) == 0


def test_bad_credentials_are_401_and_record_nothing(service, client, topics):
    _shipment_id, sf, ups = new_numbers()
    items = journey(sf, ups, datetime.now(UTC))
    sf_item = [item for kind, item in items if kind == "sf_push"][:1]
    ups_item = [item for kind, item in items if kind == "ups_alert"][:1]
    assert post(client, "sf_push", sf_item, sf, ups, check_word="wrong").status_code == 401
    assert post(client, "ups_alert", ups_item, sf, ups, credential="wrong").status_code == 401
    assert client.post("/v1/carriers/ups/track", json=ups_item).status_code == 401
    assert records_on(service, topics["scans"]) == 0
    assert service.database().parked_scans.count_documents({}) == 0


def test_ten_thousand_events_are_recorded_and_more_are_refused_with_413(service, client, publish, runner, topics):
    shipment_id, sf, ups = new_numbers()
    publish([_booked(shipment_id, sf, ups, datetime.now(UTC))])
    run_until(runner, lambda: service.trackers().get(shipment_id) is not None)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    alerts = [{"trackingNumber": ups, "activityStatus": {"type": "I", "code": "AR", "description": "Arrival"},
               "gmtActivityDate": (start + timedelta(minutes=i)).strftime("%Y%m%d"),
               "gmtActivityTime": (start + timedelta(minutes=i)).strftime("%H%M%S")} for i in range(10_001)]
    assert post_ups(client, alerts).status_code == 413
    assert records_on(service, topics["scans"]) == 0
    response = post_ups(client, alerts[:10_000])
    assert response.status_code == 200 and response.get_json()["response"]["recorded"] == 10_000
    assert records_on(service, topics["scans"]) == 10_000


def _status_changes(service, topic, shipment_id):
    consumer = KafkaConsumer(topic, bootstrap_servers=list(service.settings.kafka.bootstrap_servers),
                             auto_offset_reset="earliest", consumer_timeout_ms=5_000, group_id=uuid.uuid4().hex)
    try:
        events = [decode(record.value) for record in consumer]
    finally:
        consumer.close()
    return [e.data for e in events if e.subject == shipment_id and e.short_type == "tracking.status_changed"]


def test_every_number_shape_the_journey_uses_is_valid():
    assert {recognise(n).kind for n in new_numbers()} == {"shipment_id", "sf_waybill", "ups_tracking_number"}
