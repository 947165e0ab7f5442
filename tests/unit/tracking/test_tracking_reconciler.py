"""The reconciliation poller over fakes: quiet trackers are asked about, and the answers take the push path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.tracking import messages
from services.tracking.adapters.carrier_query.guarded import CarrierUnavailable, CircuitOpen
from services.tracking.adapters.reconciliation_store import ReconciliationStore
from services.tracking.chores.reconciler import Reconciler
from services.tracking.domain.reconciliation import Thresholds, quiet_key
from shared.events.envelope import new_event
from tests.unit.tracking.tracking_samples import SF, SHIPMENT, UPS, booked_data, scan

THRESHOLDS = Thresholds(*(timedelta(hours=h) for h in (24, 48, 36, 48, 24)))


class FakeReconciliationStore(ReconciliationStore):
    """The quiet keys the consumer noted, and the poller's polls, read as the MongoDB one reads them."""

    def __init__(self, quiet) -> None:
        self.quiet, self.polls = quiet, {}

    def quiet_keys(self, upto: str, after: str | None, limit: int) -> list[str]:
        return sorted(k for k in self.quiet.keys if k <= upto and (after is None or k > after))[:limit]

    def drop_keys(self, keys: Sequence[str]) -> None:
        self.quiet.keys.difference_update(keys)

    def polled(self, shipment_ids: Iterable[str]) -> dict[str, datetime]:
        return {s: self.polls[s] for s in shipment_ids if s in self.polls}

    def record_polls(self, shipment_ids: Iterable[str], at: datetime) -> None:
        self.polls.update(dict.fromkeys(shipment_ids, at))

    def forget_polls(self, before: datetime) -> int:
        old = [s for s, at in self.polls.items() if at < before]
        for s in old:
            del self.polls[s]
        return len(old)


class Carrier:
    """A carrier's query API: answers from a function of the numbers asked, or raises what it is told to."""

    def __init__(self, carrier: str, answer=None, failure: Exception | None = None) -> None:
        self.carrier, self.answer, self.failure, self.asked = carrier, answer, failure, []

    def query(self, numbers: Sequence[str]) -> list[Any]:
        self.asked.append(list(numbers))
        if self.failure is not None:
            raise self.failure
        return [self.answer(numbers)]


def sf_answer(numbers: Sequence[str]) -> dict[str, Any]:
    routes = [{"acceptTime": "2025-06-01 18:05:00", "acceptAddress": "深圳市", "remark": "顺丰速运 已收取快件",
               "opCode": "50", "firstStatusCode": "1", "secondaryStatusCode": "101"}]
    return {"success": True, "errorCode": "S0000", "msgData": {"routeResps": [
        {"mailNo": n, "routes": routes} for n in numbers]}}


@pytest.fixture
def recon_store(quiet) -> FakeReconciliationStore:
    return FakeReconciliationStore(quiet)


def _reconciler(recon_store, deps, *carriers: Carrier) -> Reconciler:
    return Reconciler(recon_store, deps, {c.carrier: c for c in carriers}, THRESHOLDS, interval=60, max_per_pass=50)


def _book(unit, shipment_id: str = SHIPMENT, **changes) -> None:
    data = booked_data(shipment_id=shipment_id, **changes)
    assert unit.apply([new_event("shipment.booked", shipment_id, data, source="/t")]) == []


def _recorded(publisher) -> list:
    return [e for e in publisher.published if e.short_type == "scan.recorded"]


def test_a_booked_parcel_silent_past_its_first_mile_threshold_is_asked_of_sf_and_its_scans_published(
        unit, deps, recon_store, clock, publisher):
    _book(unit)
    sf = Carrier("sf_express", sf_answer)
    clock.now = datetime.fromisoformat(booked_data()["booked_at"]) + timedelta(hours=24)

    report = _reconciler(recon_store, deps, sf).run_pass()

    assert sf.asked == [[SF]]
    assert [(e.subject, e.data["carrier_number"]) for e in _recorded(publisher)] == [(SHIPMENT, SF)]
    assert (report.due, report.calls, report.scans, report.learned) == (1, 1, 1, 1)
    assert recon_store.polls == {SHIPMENT: clock.now}


def test_a_polled_scan_applied_twice_with_its_pushed_twin_is_one_timeline_entry(unit, deps, recon_store, clock,
                                                                                publisher):
    _book(unit)
    clock.now = datetime.fromisoformat(booked_data()["booked_at"]) + timedelta(hours=25)
    poller = _reconciler(recon_store, deps, Carrier("sf_express", sf_answer))
    poller.run_pass()
    recon_store.polls.clear()
    poller.run_pass()  # asked again: the same scan, the same id
    assert unit.apply(_recorded(publisher)) == []
    tracker = deps.trackers.get(SHIPMENT)
    assert [e.scan.carrier_number for e in tracker.timeline if e.scan.carrier == "sf_express"] == [SF]


def test_a_tracker_not_yet_quiet_or_polled_within_its_threshold_is_not_asked_about(unit, deps, recon_store, clock):
    _book(unit)
    sf = Carrier("sf_express", sf_answer)
    poller = _reconciler(recon_store, deps, sf)
    clock.now = datetime.fromisoformat(booked_data()["booked_at"]) + timedelta(hours=23)
    assert poller.run_pass().due == 0
    clock.tick(timedelta(hours=2).total_seconds())
    poller.run_pass()
    clock.tick(timedelta(hours=23).total_seconds())
    assert poller.run_pass().due == 0 and len(sf.asked) == 1


def test_a_cancelled_tracker_is_never_asked_about(unit, deps, recon_store, clock):
    _book(unit)
    unit.apply([new_event("shipment.cancelled", SHIPMENT, {"shipment_id": SHIPMENT, "order_id": "ord_a",
                                                           "shipper_id": "shp_1"}, source="/t")])
    clock.now = datetime.fromisoformat(booked_data()["booked_at"]) + timedelta(days=30)
    sf = Carrier("sf_express", sf_answer)
    assert _reconciler(recon_store, deps, sf).run_pass().due == 0 and sf.asked == []


def test_twenty_three_quiet_parcels_are_asked_in_calls_of_at_most_ten(unit, deps, recon_store, clock):
    for n in range(23):
        _book(unit, f"PBTEST{n:09d}", sf_waybill=f"SF{n:013d}", ups_tracking_number=f"1ZTEST{n:012d}")
    sf = Carrier("sf_express", sf_answer)
    clock.now = datetime.fromisoformat(booked_data()["booked_at"]) + timedelta(days=2)
    _reconciler(recon_store, deps, sf).run_pass()
    assert [len(numbers) for numbers in sf.asked] == [10, 10, 3]


@pytest.mark.parametrize(("failure", "outcome"), [(CarrierUnavailable("sf: HTTP 503"), "failed"),
                                                  (CircuitOpen("sf: open"), "skipped")])
def test_a_carrier_that_cannot_be_asked_leaves_the_tracker_due_for_the_next_pass(unit, deps, recon_store, clock,
                                                                                  publisher, failure, outcome):
    _book(unit)
    clock.now = datetime.fromisoformat(booked_data()["booked_at"]) + timedelta(days=2)
    report = _reconciler(recon_store, deps, Carrier("sf_express", failure=failure)).run_pass()
    assert getattr(report, outcome) == 1 and report.calls == 0
    assert recon_store.polls == {} and _recorded(publisher) == []


def test_a_ups_not_found_warning_is_an_answer_with_no_scans(unit, deps, recon_store, clock, publisher):
    _book(unit)
    recorded = unit.apply([new_event("scan.recorded", SHIPMENT, _ups_scan_data(), source="/t")])
    assert recorded == []
    clock.now = datetime(2025, 6, 9, 13, tzinfo=UTC)  # 25 h after the last-mile scan
    not_found = {"trackResponse": {"shipment": [{"inquiryNumber": UPS, "warnings": [
        {"code": "TW0001", "message": "Tracking Information Not Found"}]}]}}
    ups = Carrier("ups", lambda numbers: not_found)
    report = _reconciler(recon_store, deps, ups).run_pass()
    assert ups.asked == [[UPS]] and report.calls == 1 and report.scans == 0
    assert recon_store.polls == {SHIPMENT: clock.now}  # asked: not due again for a threshold


def _ups_scan_data() -> dict[str, Any]:
    """A UPS last-mile scan as the consumer receives it (puts the tracker on the last mile)."""
    at = datetime(2025, 6, 8, 12, tzinfo=UTC)
    return messages.scan_data(scan("in_transit", "last_mile_in_transit", at), at)


def test_every_tracker_write_replaces_its_quiet_key_and_a_settled_tracker_has_none(unit, quiet, clock):
    _book(unit)
    booked_at = datetime.fromisoformat(booked_data()["booked_at"])
    assert quiet.keys == {quiet_key(booked_at, SHIPMENT)}
    unit.apply([new_event("scan.recorded", SHIPMENT, _ups_scan_data(), source="/t")])
    assert quiet.keys == {quiet_key(datetime(2025, 6, 8, 12, tzinfo=UTC), SHIPMENT)}
    unit.apply([new_event("shipment.cancelled", SHIPMENT, {"shipment_id": SHIPMENT, "order_id": "ord_a",
                                                           "shipper_id": "shp_1"}, source="/t")])
    assert quiet.keys == set()


def test_the_poller_drops_a_key_left_behind_whose_tracker_moved_on(unit, deps, recon_store, quiet, clock):
    _book(unit)
    unit.apply([new_event("scan.recorded", SHIPMENT, _ups_scan_data(), source="/t")])
    left_behind = quiet_key(datetime.fromisoformat(booked_data()["booked_at"]), SHIPMENT)
    quiet.keys.add(left_behind)  # as a crash between the tracker's write and its key's would leave it
    clock.now = datetime(2025, 6, 20, tzinfo=UTC)
    _reconciler(recon_store, deps, Carrier("ups", lambda numbers: {"trackResponse": {"shipment": []}})).run_pass()
    assert quiet.keys == {quiet_key(datetime(2025, 6, 8, 12, tzinfo=UTC), SHIPMENT)}


def test_a_backlog_larger_than_a_pass_is_walked_through_in_turn(unit, deps, recon_store, clock):
    for n in range(5):
        _book(unit, f"PBTEST{n:09d}", sf_waybill=f"SF{n:013d}", ups_tracking_number=f"1ZTEST{n:012d}",
              booked_at=(datetime(2025, 6, 1, 8, tzinfo=UTC) + timedelta(minutes=n)).isoformat())
    sf = Carrier("sf_express", sf_answer)
    poller = Reconciler(recon_store, deps, {"sf_express": sf}, THRESHOLDS, interval=60, max_per_pass=2)
    clock.now = datetime(2025, 6, 3, tzinfo=UTC)
    asked = [poller.run_pass().due for _ in range(3)]
    assert asked == [2, 2, 1] and sorted(n for call in sf.asked for n in call) == [f"SF{n:013d}" for n in range(5)]
