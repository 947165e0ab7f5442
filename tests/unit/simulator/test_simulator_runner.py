"""The loop with fakes at its ports: a fake orders API that books every order, a recording ingest endpoint."""

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.simulator.adapters.http import Answer, PlacementFailed
from services.simulator.carriers import sf
from services.simulator.carriers.malformed import MalformedPush
from services.simulator.domain.scenario import Odds
from services.simulator.poison import POISON_HEADER
from services.simulator.runner import RunConfig, Simulator
from services.tracking.carriers.ups import parse as ups_parse
from shared.errors import TransientError
from shared.events.envelope import CloudEvent, new_event
from shared.kafka.producer import OutgoingRecord
from tests.unit.simulator.simulator_samples import NONE, booked_data, independent_digest

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
    """Accepts every carrier request; answers every malformed push with `malformed_status`."""

    def __init__(self, clock: FakeClock, malformed_status: int = 400):
        self.clock, self.sf, self.ups, self.malformed = clock, [], [], []
        self.malformed_status = malformed_status

    def post_sf(self, payload: dict[str, Any]) -> Answer:
        body = sf.encode_body(payload)
        headers = sf.signed_headers(body, CHECK_WORD, self.clock.now())
        assert headers["msgDigest"] == independent_digest(body, headers["timestamp"], CHECK_WORD)
        self.sf.append((self.clock.now(), json.loads(body)))
        return Answer(True, 200, "")

    def post_ups(self, payload: Any) -> Answer:
        self.ups.append((self.clock.now(), payload))
        return Answer(True, 200, "")

    def post_malformed(self, push: MalformedPush) -> Answer:
        self.malformed.append(push)
        return Answer(200 <= self.malformed_status < 300, self.malformed_status, "refused")


class RecordingUpstream:
    def __init__(self, fail: bool = False):
        self.records: list[OutgoingRecord] = []
        self.fail = fail

    def send_records(self, records: Sequence[OutgoingRecord]) -> None:
        if self.fail:
            raise TransientError("broker did not acknowledge a record")
        self.records.extend(records)


class Nothing:
    def placed(self) -> None: ...

    def booked(self) -> None: ...

    def ended(self, end: str) -> None: ...


def _simulate(config: RunConfig, refuse: int = 0, fail: int = 0, malformed_status: int = 400,
              upstream: RecordingUpstream | None = None):
    clock, watcher, truth = FakeClock(), FakeWatcher(), []
    ingest = RecordingIngest(clock, malformed_status)
    simulator = Simulator(config, BookingOrders(watcher, refuse, fail), ingest, watcher, _List(truth), Nothing(),
                          now=clock.now, sleep=clock.sleep, upstream=upstream)
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
    without_gmt = 0
    for sent_at, messages in ingest.ups:
        without_gmt += sum("gmtActivityDate" not in message for message in messages)
        # Read as the tracking service reads them: GMT fields, else the local time in the place's zone.
        parsed = ups_parse.parse(messages)
        assert not parsed.refusals and all(scan.occurred_at <= sent_at for scan in parsed.scans)
    assert without_gmt > 0


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


def _records(truth: list[dict], kind: str) -> list[dict]:
    return [r for r in truth if r["record"] == kind]


def test_with_certainty_every_carrier_request_is_followed_by_a_malformed_push_recorded_with_its_answer():
    config = RunConfig(orders=2, rate=50, speed=100, seed=10, until_done=True,
                       odds=dataclasses.replace(NONE, malformed=1))
    simulator, outcome, truth, ingest = _simulate(config)
    pushes = _records(truth, "malformed_push")
    assert outcome == "done" and len(pushes) == len(ingest.sf) + len(ingest.ups) == len(ingest.malformed)
    assert all(p["refused"] and p["status"] == 400 and p["wrong"] for p in pushes)
    numbers = {n for p in _records(truth, "parcel") for n in (p["sf_waybill"], p["ups_tracking_number"])}
    assert {p["number"] for p in pushes} <= numbers
    assert sum(simulator.tally.malformed.values()) == len(pushes)
    assert all(p["complete"] for p in _records(truth, "parcel"))


def test_malformed_pushes_change_neither_the_journeys_nor_what_the_carriers_send():
    plain = _simulate(RunConfig(orders=3, rate=50, speed=100, seed=11, until_done=True))
    mischief = _simulate(RunConfig(orders=3, rate=50, speed=100, seed=11, until_done=True,
                                   odds=dataclasses.replace(Odds(), malformed=0.5)))
    assert _records(plain[2], "parcel") == _records(mischief[2], "parcel")
    assert [p for _, p in plain[3].sf] == [p for _, p in mischief[3].sf]
    assert mischief[3].malformed and not plain[3].malformed


def test_a_malformed_push_the_service_accepted_is_recorded_as_not_refused():
    config = RunConfig(orders=1, rate=50, speed=100, seed=12, until_done=True,
                       odds=dataclasses.replace(NONE, malformed=1))
    _, _, truth, _ = _simulate(config, malformed_status=200)
    assert {(p["status"], p["refused"]) for p in _records(truth, "malformed_push")} == {(200, False)}


def test_poison_records_are_produced_one_per_new_booking_up_to_the_count():
    upstream = RecordingUpstream()
    config = RunConfig(orders=3, rate=50, speed=100, seed=13, until_done=True, odds=NONE, poison_records=2)
    simulator, outcome, truth, _ = _simulate(config, upstream=upstream)
    poisons = _records(truth, "poison")
    shipments = [p["shipment_id"] for p in _records(truth, "parcel")]
    assert outcome == "done" and len(upstream.records) == len(poisons) == 2
    assert all(p["produced"] and p["topic"] == "carrier-scans.v1" and p["key"] in shipments for p in poisons)
    assert [dict(r.headers)[POISON_HEADER].decode() for r in upstream.records] == [p["poison_id"] for p in poisons]
    assert sum(simulator.tally.poison.values()) == 2


def test_a_poison_record_the_broker_did_not_acknowledge_is_recorded_as_not_produced():
    config = RunConfig(orders=1, rate=50, speed=100, seed=14, until_done=True, odds=NONE, poison_records=1)
    simulator, outcome, truth, _ = _simulate(config, upstream=RecordingUpstream(fail=True))
    (record,) = _records(truth, "poison")
    assert outcome == "done" and not record["produced"] and "acknowledge" in record["error"]
    assert simulator.tally.poison == {"not acknowledged": 1}


def test_poison_records_need_a_producer():
    clock, watcher = FakeClock(), FakeWatcher()
    with pytest.raises(ValueError, match="upstream"):
        Simulator(RunConfig(poison_records=1), BookingOrders(watcher), RecordingIngest(clock), watcher, _List([]),
                  Nothing())
