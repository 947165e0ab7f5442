"""Ingest, parking, and the consumer's tracker creation, cancellation and scans through its batch unit, on fakes."""

import pytest

from services.tracking import handlers, messages
from services.tracking.carriers.sf.parse import parse as parse_sf
from services.tracking.carriers.ups.parse import parse as parse_ups
from shared.errors import BusinessRuleViolation, TransientError
from shared.events.envelope import new_event
from shared.events.schemas.scans import ScanRecorded
from tests.unit.tracking.tracking_samples import SF, SHIPMENT, UPS, at, booked_data, fixture

SOURCE = "/parcelbridge/test"


def _booked(**changes):
    return new_event("shipment.booked", SHIPMENT, booked_data(**changes), source=SOURCE)


def _cancelled():
    data = {"shipment_id": SHIPMENT, "order_id": "ord_aaaaaaaaaaaaaaaaaaaa", "shipper_id": "shp_1",
            "cancelled_at": at(1, 9).isoformat()}
    return new_event("shipment.cancelled", SHIPMENT, data, source=SOURCE)


def _sf_pickup(op="50", time="2025-06-01 22:00:00", number=SF):
    return parse_sf({"Body": {"WaybillRoute": [{"mailno": number, "acceptTime": time, "opCode": op}]}}).scans


def _apply_published(publisher, unit):
    """Consume what was published to carrier-scans.v1 (and ignore the status changes, another topic)."""
    assert unit.apply([e for e in publisher.published if e.short_type == "scan.recorded"]) == []


def _status_events(publisher):
    return [e.data for e in publisher.published if e.short_type == "tracking.status_changed"]


def test_a_booking_opens_a_tracker_reachable_by_its_three_numbers(unit, trackers, aliases):
    assert unit.apply([_booked()]) == []
    assert aliases.resolve([SHIPMENT, SF, UPS]) == {SHIPMENT: SHIPMENT, SF: SHIPMENT, UPS: SHIPMENT}
    tracker = trackers.get(SHIPMENT)
    assert (tracker.state.status, tracker.state.milestone) == ("pending", "label_created")
    assert tracker.recipient.city == "Los Angeles" and tracker.recipient.initials is None


def test_a_redelivered_booking_changes_nothing(unit, store, trackers, clock):
    event = _booked()
    unit.apply([event])
    opened = trackers.get(SHIPMENT)
    version = store.documents("trackers")[SHIPMENT]["version"]
    assert unit.apply([event]) == []
    assert store.documents("trackers")[SHIPMENT]["version"] == version
    clock.tick(60)
    assert unit.apply([_booked()]) == []  # another booking event of the same shipment neither
    assert trackers.get(SHIPMENT) == opened


def test_ingest_publishes_scans_keyed_by_the_shipment(deps, unit, publisher):
    unit.apply([_booked()])
    result = handlers.ingest(_sf_pickup(), deps, request_id="req-1")
    assert (result.recorded, result.parked, result.unmapped) == (1, 0, 0)
    [event] = publisher.published
    assert event.short_type == "scan.recorded" and event.subject == SHIPMENT and event.requestid == "req-1"
    assert event.data["carrier_number"] == SF and event.data["received_at"] is not None


def test_a_recorded_scan_moves_the_tracker_once(deps, unit, publisher, trackers):
    unit.apply([_booked()])
    handlers.ingest(_sf_pickup(), deps)
    handlers.ingest(_sf_pickup(), deps)  # the carrier retried: a second event of the same scan
    _apply_published(publisher, unit)
    _apply_published(publisher, unit)  # and Kafka redelivered them
    tracker = trackers.get(SHIPMENT)
    assert tracker.state.status == "picked_up" and len(tracker.timeline) == 3
    assert [d["status"] for d in _status_events(publisher)] == ["picked_up"]


def test_big_payloads_are_published_in_bounded_batches(deps, unit, publisher, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(handlers, "PUBLISH_CHUNK", 4)
    unit.apply([_booked()])
    routes = [{"mailno": SF, "acceptTime": f"2025-06-01 2{i % 4}:0{i // 4}:00", "opCode": "30"} for i in range(10)]
    handlers.ingest(parse_sf({"Body": {"WaybillRoute": routes}}).scans, deps)
    assert publisher.batches == [4, 4, 2]


def test_a_broker_failure_is_raised_so_the_carrier_retries(deps, unit, publisher):
    unit.apply([_booked()])
    publisher.fail = True
    with pytest.raises(TransientError):
        handlers.ingest(_sf_pickup(), deps)


def test_unknown_numbers_are_parked_then_released_when_the_tracker_appears(deps, unit, publisher, parked, trackers):
    result = handlers.ingest([*_sf_pickup(), *_sf_pickup("30", "2025-06-02 01:00:00")], deps)
    assert (result.recorded, result.parked) == (0, 2) and publisher.published == []
    handlers.ingest(_sf_pickup(), deps)  # parked twice is kept once
    assert len(parked.scans) == 2
    unit.apply([_booked()])
    assert parked.scans == {} and len(publisher.published) == 2
    _apply_published(publisher, unit)
    assert trackers.get(SHIPMENT).state.milestone == "origin_hub_processed"


def test_a_scan_parked_while_its_tracker_appears_is_released_at_once(deps, unit, publisher, parked, aliases):
    class LateAliases(type(aliases)):
        """The first lookup misses: the tracker is created between it and the parking."""

        calls = 0

        def resolve(self, numbers):
            self.calls += 1
            return {} if self.calls == 1 else super().resolve(numbers)

    late = LateAliases()
    deps = handlers.Deps(deps.trackers, late, parked, publisher, deps.clock)
    late.add(SHIPMENT, [SHIPMENT, SF, UPS])  # the booking's numbers, written by the consumer meanwhile
    handlers.ingest(_sf_pickup(), deps)
    assert parked.scans == {} and [e.subject for e in publisher.published] == [SHIPMENT]


def test_unmapped_codes_are_counted_and_still_recorded(deps, unit, publisher):
    unit.apply([_booked()])
    result = handlers.ingest(_sf_pickup(op="4242"), deps)
    assert result.unmapped == 1 and publisher.published[0].data["status"] == "unknown"


def test_a_cancellation_makes_the_tracker_cancelled(deps, unit, trackers, publisher):
    unit.apply([_booked(), _cancelled()])
    handlers.ingest(_sf_pickup(), deps)
    _apply_published(publisher, unit)
    assert trackers.get(SHIPMENT).state.status == "cancelled"
    assert [d["status"] for d in _status_events(publisher)] == ["cancelled"]


def test_an_event_for_an_unknown_shipment_is_refused_alone(unit, trackers):
    cancelled = _cancelled()
    [(event, error)] = unit.apply([cancelled, _booked()])
    assert event is cancelled and isinstance(error, BusinessRuleViolation)
    assert trackers.get(SHIPMENT) is not None


def test_a_booking_whose_number_another_shipment_holds_is_refused(unit, aliases):
    aliases.add("PBOTHER", [SF])
    booked = _booked()
    [(event, error)] = unit.apply([booked])
    assert event is booked and "already belongs to shipment PBOTHER" in str(error)
    assert aliases.resolve([SF]) == {SF: "PBOTHER"}


def test_a_polls_bookings_and_scans_cost_one_read_and_one_write(deps, unit, store, publisher):
    unit.apply([_booked()])
    handlers.ingest([*_sf_pickup(), *_sf_pickup("30", "2025-06-02 01:00:00")], deps)
    store.commands.clear()
    _apply_published(publisher, unit)
    assert store.commands == ["hint", "write", "trim", "unhint"]  # cached: no read; one status change published


def test_the_golden_ups_alerts_apply_to_delivered(deps, unit, trackers, publisher):
    unit.apply([_booked()])
    handlers.ingest(parse_ups(fixture("ups_track_alerts.json")["payload"]).scans, deps)
    _apply_published(publisher, unit)
    tracker = trackers.get(SHIPMENT)
    assert (tracker.state.status, tracker.state.carrier) == ("delivered", "ups")


def test_scan_events_round_trip_to_the_same_canonical_scan(deps):
    [scan] = _sf_pickup()
    resolved = scan.resolved(SHIPMENT)
    event = messages.scan_event(resolved, at(2), None)
    assert messages.scan_from_data(ScanRecorded.model_validate(event.data)) == resolved
