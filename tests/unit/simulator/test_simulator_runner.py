"""The loop with fakes at its ports: a fake orders API that books every order, a recording ingest endpoint."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator_samples import NONE, booked_data, independent_digest

from services.simulator.adapters.http import Answer, PlacementFailed
from services.simulator.carriers import sf
from services.simulator.domain.scenario import Odds
from services.simulator.runner import RunConfig, Simulator
from shared.events.envelope import CloudEvent, new_event

CHECK_WORD = "unit-check-word"


class FakeClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 12, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class FakeWatcher:
    def __init__(self) -> None:
        self.pending: list[CloudEvent] = []

    def poll(self, timeout_ms: int = 50) -> list[CloudEvent]:
        events, self.pending = self.pending, []
        return events


class BookingOrders:
    """Places orders and books each one (or refuses those it is told to), as orders + shipping would."""

    def __init__(self, watcher: FakeWatcher, refuse: int = 0, fail: int = 0):
        self.watcher, self.refuse, self.fail, self.count = watcher, refuse, fail, 0

    def place(self, order: dict[str, Any]) -> str:
        self.count += 1
        if self.count <= self.fail:
            raise PlacementFailed("HTTP 422")
        order_id = f"ord_{self.count:020d}"
        if self.count <= self.fail + self.refuse:
            data = {"order_id": order_id, "shipper_id": "shp_1", "reason_code": "prohibited_contents",
                    "reason": "HS 930100"}
            self.watcher.pending.append(new_event("shipment.booking_failed", order_id, data, source="/test"))
            return order_id
        duty_payer = "recipient" if order["customs"]["incoterm"] == "DAP" else "shipper"
        data = booked_data(duty_payer, shipment_id=f"PB{self.count:013d}", order_id=order_id,
                           sf_waybill=f"SF{self.count:013d}", ups_tracking_number=f"1Z{self.count:016d}")
        self.watcher.pending.append(new_event("shipment.booked", data["shipment_id"], data, source="/test"))
        return order_id


class RecordingIngest:
    def __init__(self, clock: FakeClock):
        self.clock, self.sf, self.ups = clock, [], []

    def post_sf(self, payload: dict[str, Any]) -> Answer:
        body = sf.encode_body(payload)
        headers = sf.signed_headers(body, CHECK_WORD, self.clock.now())
        assert headers["msgDigest"] == independent_digest(body, headers["timestamp"], CHECK_WORD)
        self.sf.append((self.clock.now(), json.loads(body)))
        return Answer(True, 200, "")

    def post_ups(self, payload: Any) -> Answer:
        self.ups.append((self.clock.now(), payload))
        return Answer(True, 200, "")


class Nothing:
    def placed(self) -> None: ...

    def booked(self) -> None: ...

    def ended(self, end: str) -> None: ...


def _simulate(config: RunConfig, refuse: int = 0, fail: int = 0):
    clock, watcher, truth = FakeClock(), FakeWatcher(), []
    ingest = RecordingIngest(clock)
    simulator = Simulator(config, BookingOrders(watcher, refuse, fail), ingest, watcher, _List(truth), Nothing(),
                          now=clock.now, sleep=clock.sleep)
    return simulator, simulator.run(), truth, ingest


class _List:
    def __init__(self, records: list):
        self.records = records

    def write(self, record: dict[str, Any]) -> None:
        self.records.append(json.loads(json.dumps(record, default=str)))


def test_every_placed_parcel_is_played_to_its_end_and_recorded():
    config = RunConfig(orders=4, rate=50, speed=50, seed=3, until_done=True, odds=Odds(duplicate=0.5,
                       out_of_order=0.5, dap=0.5))
    simulator, outcome, truth, _ingest = _simulate(config)
    parcels = [r for r in truth if r["record"] == "parcel"]
    assert outcome == "done" and len(parcels) == 4
    assert all(p["finished"] and p["complete"] for p in parcels)
    assert sum(p["sendings"] for p in parcels) == simulator.tally.events_sent > sum(len(p["events"]) for p in parcels)
    assert {p["expected"]["end"] for p in parcels} <= {"delivered", "held_for_pickup", "returned"}
    assert all(len(p["distinct_scans"]) == len(p["events"]) for p in parcels)


def test_no_carrier_timestamp_is_later_than_the_request_that_carries_it():
    _, _, _, ingest = _simulate(RunConfig(orders=2, rate=50, speed=1000, seed=4, until_done=True))
    for sent_at, payload in ingest.sf:
        for route in payload["Body"]["WaybillRoute"]:
            china = datetime.fromisoformat(route["acceptTime"] + "+08:00")
            assert china <= sent_at
    for sent_at, messages in ingest.ups:
        for message in messages:
            gmt = datetime.strptime(message["gmtActivityDate"] + message["gmtActivityTime"], "%Y%m%d%H%M%S")
            assert gmt.replace(tzinfo=UTC) <= sent_at


def test_events_of_a_parcel_are_sent_in_time_order_when_nothing_is_shuffled():
    _, _, truth, ingest = _simulate(RunConfig(orders=1, rate=50, speed=100, seed=5, until_done=True, odds=NONE))
    routes = [r["acceptTime"] for _, p in ingest.sf for r in p["Body"]["WaybillRoute"]]
    assert routes == sorted(routes) and len(routes) == 7
    (parcel,) = [r for r in truth if r["record"] == "parcel"]
    assert parcel["expected"]["status"] == "delivered"
    assert [e["carrier_at"] for e in parcel["events"]] == sorted(e["carrier_at"] for e in parcel["events"])


def test_track_format_sends_track_api_answers():
    _, _, _, ingest = _simulate(RunConfig(orders=1, rate=50, speed=100, seed=5, until_done=True, odds=NONE,
                                          ups_format="track"))
    assert all("trackResponse" in payload for _, payload in ingest.ups)


def test_refused_bookings_and_refused_orders_end_without_scans():
    simulator, outcome, truth, _ingest = _simulate(
        RunConfig(orders=3, rate=50, speed=100, seed=6, until_done=True, odds=NONE), refuse=1, fail=1)
    kinds = sorted(r["record"] for r in truth)
    assert outcome == "done" and kinds == ["parcel", "placement_failed", "rejected"]
    assert simulator.tally.rejected == 1 and simulator.tally.placement_failures == 1


def test_an_unfinished_run_records_what_it_left_unfinished():
    _simulator, outcome, truth, _ = _simulate(RunConfig(orders=1, rate=50, speed=0.01, seed=7, until_done=True,
                                                       timeout=5, odds=NONE))
    assert outcome == "timed_out"
    (parcel,) = [r for r in truth if r["record"] == "parcel"]
    assert not parcel["finished"] and not parcel["complete"]


def test_a_shipment_cancelled_before_its_first_scan_ends_cancelled():
    clock, watcher, truth = FakeClock(), FakeWatcher(), []
    orders = BookingOrders(watcher)
    config = RunConfig(orders=1, rate=50, speed=0.001, seed=8, until_done=True, timeout=30, odds=NONE)
    simulator = Simulator(config, orders, RecordingIngest(clock), watcher, _List(truth), Nothing(),
                          now=clock.now, sleep=clock.sleep)
    original = watcher.poll

    def poll_then_cancel(timeout_ms: int = 50) -> list[CloudEvent]:
        events = original(timeout_ms)
        for event in events:
            if event.short_type == "shipment.booked":
                data = {k: event.data[k] for k in ("shipment_id", "order_id", "shipper_id")}
                watcher.pending.append(new_event("shipment.cancelled", data["shipment_id"], data, source="/test"))
        return events

    watcher.poll = poll_then_cancel
    assert simulator.run() == "done"
    (parcel,) = [r for r in truth if r["record"] == "parcel"]
    assert parcel["expected"]["end"] == "cancelled" and simulator.tally.ends["cancelled"] == 1


class RefusingIngest(RecordingIngest):
    def post_sf(self, payload: dict[str, Any]) -> Answer:
        return Answer(False, 401, '{"return_code":"4001","return_msg":"msgDigest does not match the body"}')


def test_a_credential_refused_by_the_tracking_service_stops_the_run_with_the_reason():
    clock, watcher, truth = FakeClock(), FakeWatcher(), []
    config = RunConfig(orders=1, rate=50, speed=100, seed=9, until_done=True, odds=NONE)
    simulator = Simulator(config, BookingOrders(watcher), RefusingIngest(clock), watcher, _List(truth), Nothing(),
                          now=clock.now, sleep=clock.sleep)
    assert simulator.run() == "refused" and "msgDigest" in simulator.problem
    (parcel,) = [r for r in truth if r["record"] == "parcel"]
    assert not parcel["finished"]
