"""Ingest, parking, tracker creation, cancellation and scan application, on in-memory fakes."""

import pytest
from tracking_samples import SF, SHIPMENT, UPS, at, booked_data, fixture

from services.tracking import handlers, messages
from services.tracking.carriers.sf.parse import parse as parse_sf
from services.tracking.carriers.ups.parse import parse as parse_ups
from shared.errors import BusinessRuleViolation, TransientError
from shared.events.envelope import new_event
from shared.events.schemas.scans import ScanRecorded

SOURCE = "/parcelbridge/test"


def _booked(**changes):
    return new_event("shipment.booked", SHIPMENT, booked_data(**changes), source=SOURCE)


def _cancelled():
    data = {"shipment_id": SHIPMENT, "order_id": "ord_aaaaaaaaaaaaaaaaaaaa", "shipper_id": "shp_1",
            "cancelled_at": at(1, 9).isoformat()}
    return new_event("shipment.cancelled", SHIPMENT, data, source=SOURCE)


def _sf_pickup(op="50", time="2025-06-01 22:00:00", number=SF):
    return parse_sf({"Body": {"WaybillRoute": [{"mailno": number, "acceptTime": time, "opCode": op}]}})


def _apply_published(publisher, deps, start=0):
    for event in publisher.published[start:]:
        handlers.apply_scan(event, deps)


def test_a_booking_opens_a_tracker_reachable_by_its_three_numbers(deps, trackers, aliases):
    assert handlers.create_tracker(_booked(), deps) is True
    assert aliases.resolve([SHIPMENT, SF, UPS]) == {SHIPMENT: SHIPMENT, SF: SHIPMENT, UPS: SHIPMENT}
    tracker = trackers.get(SHIPMENT)
    assert (tracker.state.status, tracker.state.milestone) == ("pending", "label_created")
    assert tracker.recipient.city == "Los Angeles" and tracker.recipient.initials is None


def test_a_redelivered_booking_changes_nothing(deps, trackers):
    event = _booked()
    handlers.create_tracker(event, deps)
    assert handlers.create_tracker(event, deps) is False
    assert len(trackers.trackers) == 1


def test_ingest_publishes_scans_keyed_by_the_shipment(deps, publisher):
    handlers.create_tracker(_booked(), deps)
    result = handlers.ingest(_sf_pickup(), deps, request_id="req-1")
    assert (result.recorded, result.parked, result.unmapped) == (1, 0, 0)
    [event] = publisher.published
    assert event.short_type == "scan.recorded" and event.subject == SHIPMENT and event.requestid == "req-1"
    assert event.data["carrier_number"] == SF and event.data["received_at"] is not None


def test_a_recorded_scan_moves_the_tracker_once(deps, publisher, trackers):
    handlers.create_tracker(_booked(), deps)
    handlers.ingest(_sf_pickup(), deps)
    handlers.ingest(_sf_pickup(), deps)  # the carrier retried: a second event of the same scan
    _apply_published(publisher, deps)
    handlers.apply_scan(publisher.published[0], deps)  # and Kafka redelivered the first
    tracker = trackers.get(SHIPMENT)
    assert tracker.state.status == "picked_up" and len(tracker.timeline) == 3
    assert [d["status"] for d in trackers.status_events()] == ["picked_up"]


def test_big_payloads_are_published_in_bounded_batches(deps, publisher, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(handlers, "PUBLISH_CHUNK", 4)
    handlers.create_tracker(_booked(), deps)
    routes = [{"mailno": SF, "acceptTime": f"2025-06-01 2{i % 4}:0{i // 4}:00", "opCode": "30"} for i in range(10)]
    handlers.ingest(parse_sf({"Body": {"WaybillRoute": routes}}), deps)
    assert publisher.batches == [4, 4, 2]


def test_a_broker_failure_is_raised_so_the_carrier_retries(deps, publisher):
    handlers.create_tracker(_booked(), deps)
    publisher.fail = True
    with pytest.raises(TransientError):
        handlers.ingest(_sf_pickup(), deps)


def test_unknown_numbers_are_parked_then_released_when_the_tracker_appears(deps, publisher, parked, trackers):
    result = handlers.ingest([*_sf_pickup(), *_sf_pickup("30", "2025-06-02 01:00:00")], deps)
    assert (result.recorded, result.parked) == (0, 2) and publisher.published == []
    handlers.ingest(_sf_pickup(), deps)  # parked twice is kept once
    assert len(parked.scans) == 2
    handlers.create_tracker(_booked(), deps)
    assert parked.scans == {} and len(publisher.published) == 2
    _apply_published(publisher, deps)
    assert trackers.get(SHIPMENT).state.milestone == "origin_hub_processed"


def test_a_scan_parked_while_its_tracker_appears_is_released_at_once(deps, publisher, parked, aliases):
    class LateAliases(type(aliases)):
        """The first lookup misses: the tracker is created between it and the parking."""

        calls = 0

        def resolve(self, numbers):
            self.calls += 1
            return {} if self.calls == 1 else super().resolve(numbers)

    late = LateAliases()
    deps = handlers.Deps(deps.trackers, late, parked, publisher, deps.clock)
    handlers.create_tracker(_booked(), deps)
    handlers.ingest(_sf_pickup(), deps)
    assert parked.scans == {} and [e.subject for e in publisher.published] == [SHIPMENT]


def test_unmapped_codes_are_counted_and_still_recorded(deps, publisher):
    handlers.create_tracker(_booked(), deps)
    result = handlers.ingest(_sf_pickup(op="4242"), deps)
    assert result.unmapped == 1 and publisher.published[0].data["status"] == "unknown"


def test_a_cancellation_makes_the_tracker_cancelled(deps, trackers, publisher):
    handlers.create_tracker(_booked(), deps)
    handlers.cancel_tracker(_cancelled(), deps)
    handlers.ingest(_sf_pickup(), deps)
    _apply_published(publisher, deps)
    assert trackers.get(SHIPMENT).state.status == "cancelled"
    assert [d["status"] for d in trackers.status_events()] == ["cancelled"]


def test_an_event_for_an_unknown_shipment_is_a_permanent_failure(deps):
    with pytest.raises(BusinessRuleViolation):
        handlers.cancel_tracker(_cancelled(), deps)


def test_the_golden_ups_alerts_apply_to_delivered(deps, trackers, publisher):
    handlers.create_tracker(_booked(), deps)
    handlers.ingest(parse_ups(fixture("ups_track_alerts.json")["payload"]), deps)
    _apply_published(publisher, deps)
    tracker = trackers.get(SHIPMENT)
    assert (tracker.state.status, tracker.state.carrier) == ("delivered", "ups")


def test_scan_events_round_trip_to_the_same_canonical_scan(deps):
    [scan] = _sf_pickup()
    resolved = scan.resolved(SHIPMENT)
    event = messages.scan_event(resolved, at(2), None)
    assert messages.scan_from_data(ScanRecorded.model_validate(event.data)) == resolved
