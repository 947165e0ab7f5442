"""How scans move a tracker (carriers.md §1), asserted on the tracker's end state."""

import random
from datetime import date, timedelta

import pytest

from services.tracking import messages
from services.tracking.domain import model
from services.tracking.domain.model import Tracker
from shared.events.schemas.shipments import ShipmentBooked
from tests.unit.tracking.tracking_samples import SHIPMENT, at, booked_data, scan

NOW = at(12)


def _tracker() -> Tracker:
    return messages.tracker_from_booking(ShipmentBooked.model_validate(booked_data()), at(1), at(1, 8))


def _record(tracker: Tracker, *scans, received=NOW) -> Tracker:
    for s in scans:
        tracker.record(s, received, NOW)
    return tracker


JOURNEY = [
    scan("picked_up", "first_mile_picked_up", at(1, 14), carrier="sf_express"),
    scan("in_transit", "origin_hub_processed", at(1, 20), carrier="sf_express"),
    scan("in_transit", "export_customs_in_progress", at(2, 9), carrier="sf_express"),
    scan("in_transit", "export_customs_cleared", at(2, 15), carrier="sf_express"),
    scan("in_transit", "linehaul_departed", at(3, 2), carrier="sf_express"),
    scan("in_transit", "arrived_destination_country", at(4, 1)),
    scan("on_hold", "import_customs_in_progress", at(4, 8), reason="customs_duties_unpaid"),
    scan("in_transit", "import_customs_released", at(5, 9)),
    scan("in_transit", "last_mile_in_transit", at(6, 3)),
    scan("out_for_delivery", "out_for_delivery", at(7, 8)),
    scan("delivered", "delivered", at(7, 15)),
]


def test_a_new_tracker_is_pending_with_order_and_label_milestones():
    tracker = _tracker()
    assert (tracker.state.status, tracker.state.milestone, tracker.state.carrier) == ("pending", "label_created", "jv")
    assert [e.scan.milestone for e in tracker.timeline] == ["order_created", "label_created"]
    assert tracker.events == [] and not tracker.state.physically_scanned


def test_the_journey_in_order_ends_delivered_with_one_event_per_change():
    tracker = _record(_tracker(), *JOURNEY)
    state = tracker.state
    assert (state.status, state.milestone, state.leg, state.carrier) == ("delivered", "delivered", "last_mile", "ups")
    changes = [(d["previous_status"], d["status"], d["milestone"]) for _, d in tracker.events]
    assert len(changes) == len(JOURNEY)
    assert changes[6] == ("in_transit", "on_hold", "import_customs_in_progress")
    assert changes[7] == ("on_hold", "in_transit", "import_customs_released")
    assert tracker.events[0][1]["physically_scanned"] is True


def test_arrival_order_does_not_matter_and_duplicates_are_one_scan():
    shuffled = [*JOURNEY, *JOURNEY[:4]]
    random.Random(7).shuffle(shuffled)
    tracker = _record(_tracker(), *shuffled)
    assert (tracker.state.status, tracker.state.milestone) == ("delivered", "delivered")
    times = [e.scan.occurred_at for e in tracker.timeline]
    assert times == sorted(times) and len(times) == 2 + len(JOURNEY)


@pytest.mark.parametrize("seed", range(20))
def test_the_state_after_each_scan_equals_a_fold_of_the_whole_timeline(seed: int):
    # In-order scans are folded onto the state before them; late ones refold everything. Either way the
    # state must be what a fold from scratch gives, after every single scan.
    eta = scan("in_transit", None, at(5, 1), kind="eta_update", estimate=date(2025, 6, 12))
    scans = [*JOURNEY, eta, *JOURNEY[:3]]
    random.Random(seed).shuffle(scans)
    tracker = _tracker()
    for s in scans:
        tracker.record(s, NOW, NOW)
        assert tracker.state == tracker.replay()


def test_an_older_event_never_moves_a_delivered_tracker():
    tracker = _record(_tracker(), *JOURNEY)
    tracker.events.clear()
    _record(tracker, scan("on_hold", "import_customs_in_progress", at(4, 9), reason="customs_inspection"))
    assert tracker.state.status == "delivered" and tracker.events == []


def test_a_later_event_after_delivery_is_kept_but_changes_nothing():
    tracker = _record(_tracker(), *JOURNEY)
    _record(tracker, scan("in_transit", "last_mile_in_transit", at(8)))
    assert tracker.state.status == "delivered" and len(tracker.timeline) == 2 + len(JOURNEY) + 1


def test_an_eta_only_update_changes_the_eta_not_the_status():
    tracker = _record(_tracker(), *JOURNEY[:3])
    tracker.events.clear()
    _record(tracker, scan(None, None, at(3), kind="eta_update", estimate=date(2025, 6, 13)))
    assert tracker.state.status == "in_transit" and tracker.events == []
    assert tracker.estimated_delivery == (date(2025, 6, 13), "carrier")


def test_a_notice_and_an_unmapped_code_change_nothing():
    tracker = _record(_tracker(), JOURNEY[0])
    _record(tracker, scan(None, None, at(2), kind="notice"), scan("unknown", None, at(2, 13)))
    assert (tracker.state.status, tracker.state.milestone) == ("picked_up", "first_mile_picked_up")
    assert len(tracker.timeline) == 5


def test_a_customs_release_clears_the_hold_and_its_reason():
    tracker = _record(_tracker(), *JOURNEY[:7])
    assert (tracker.state.status, tracker.state.reason) == ("on_hold", "customs_duties_unpaid")
    _record(tracker, JOURNEY[7])
    assert (tracker.state.status, tracker.state.reason) == ("in_transit", None)


def test_a_future_dated_scan_is_kept_flagged_and_moves_nothing():
    tracker = _record(_tracker(), JOURNEY[0])
    _record(tracker, scan("delivered", "delivered", NOW + timedelta(hours=9)), received=NOW)
    assert tracker.state.status == "picked_up"
    assert tracker.timeline[-1].future_dated is True


def test_a_scan_within_the_clock_skew_tolerance_counts():
    tracker = _record(_tracker(), scan("picked_up", "first_mile_picked_up", NOW + timedelta(minutes=30)))
    assert tracker.state.status == "picked_up" and not tracker.timeline[-1].future_dated


def test_a_late_pickup_of_the_last_mile_carrier_does_not_move_milestones_back():
    tracker = _record(_tracker(), *JOURNEY[:8], scan("picked_up", "first_mile_picked_up", at(5, 10), code="PU"))
    assert (tracker.state.status, tracker.state.milestone) == ("in_transit", "import_customs_released")


def test_a_failed_attempt_then_a_new_attempt_then_delivery():
    tracker = _record(_tracker(), *JOURNEY[:10])
    _record(tracker, scan("delivery_failed", "delivery_attempted", at(7, 12), reason="consignee_not_available"))
    assert (tracker.state.status, tracker.state.reason) == ("delivery_failed", "consignee_not_available")
    _record(tracker, scan("in_transit", "last_mile_in_transit", at(7, 20)))
    assert (tracker.state.status, tracker.state.milestone) == ("in_transit", "delivery_attempted")
    _record(tracker, scan("out_for_delivery", "out_for_delivery", at(8, 8), code="OT2"))
    assert (tracker.state.status, tracker.state.milestone) == ("out_for_delivery", "out_for_delivery")
    _record(tracker, scan("delivered", "delivered", at(8, 12), code="D2"))
    assert tracker.state.status == "delivered"


def test_cancellation_is_terminal_and_announced_once():
    tracker = _tracker()
    tracker.cancel(at(1, 9), NOW)
    tracker.cancel(at(1, 9), NOW)
    _record(tracker, JOURNEY[0])
    assert tracker.state.status == "cancelled" and tracker.state.terminal
    assert [d["status"] for _, d in tracker.events] == ["cancelled"]
    assert tracker.estimated_delivery == (None, None)


def test_the_eta_follows_the_plan_and_moves_when_a_leg_runs_late():
    tracker = _record(_tracker(), *JOURNEY[:3])
    assert tracker.estimated_delivery == (date(2025, 6, 11), "plan")
    # export customs was planned to end on June 3 18:00; still in progress two days later
    _record(tracker, scan("in_transit", "export_customs_in_progress", at(5, 18), carrier="sf_express", code="x"))
    assert tracker.estimated_delivery == (date(2025, 6, 13), "plan_revised")


def test_entering_a_leg_late_pushes_the_eta_back_by_the_delay():
    tracker = _record(_tracker(), *JOURNEY[:2])
    # export customs was planned to start on June 2 18:00; it starts three days later
    _record(tracker, scan("in_transit", "export_customs_in_progress", at(5, 18), carrier="sf_express"))
    assert tracker.estimated_delivery == (date(2025, 6, 14), "plan_revised")


def test_the_carrier_date_wins_over_the_plan():
    tracker = _record(_tracker(), scan("in_transit", "last_mile_in_transit", at(9, 10), estimate=date(2025, 6, 12)))
    assert tracker.estimated_delivery == (date(2025, 6, 12), "carrier")


def test_status_change_events_carry_what_orders_and_shipping_read():
    tracker = _record(_tracker(), JOURNEY[0])
    [(kind, data)] = tracker.events
    assert kind == "tracking.status_changed"
    assert data["order_id"] == "ord_aaaaaaaaaaaaaaaaaaaa" and data["shipment_id"] == SHIPMENT
    assert data["status"] == "picked_up" and data["physically_scanned"] is True
    assert data["occurred_at"] == at(1, 14).isoformat() and data["scan_id"] == JOURNEY[0].scan_id


def test_the_timeline_is_bounded_and_the_folded_state_survives(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(model, "MAX_TIMELINE", 5)
    tracker = _record(_tracker(), *JOURNEY)
    assert len(tracker.timeline) == 5 and tracker.omitted == 2 + len(JOURNEY) - 5
    assert (tracker.state.status, tracker.replay().status) == ("delivered", "delivered")
    before = tracker.omitted
    assert tracker.record(scan("in_transit", "origin_hub_processed", at(1, 1), code="old"), NOW, NOW) is False
    assert tracker.omitted == before + 1
