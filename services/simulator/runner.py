"""The simulation loop: place orders, watch bookings, play each parcel's journey on the compressed clock.

One thread: each pass places the orders that are due, reads new bookings, and sends the carrier events
whose time has come, grouped per carrier into one request (SF route push or UPS Track Alert / Track API).
"""

from __future__ import annotations

import heapq
import logging
import random
import secrets
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from services.simulator.adapters.http import Answer, PlacementFailed
from services.simulator.carriers import malformed, sf, ups
from services.simulator.carriers.malformed import Carrier, MalformedPush
from services.simulator.domain.carrier_book import CarrierBook
from services.simulator.domain.clock import CompressedClock, carrier_times
from services.simulator.domain.dispatch import Dispatch, plan_dispatches
from services.simulator.domain.goods import build_order
from services.simulator.domain.parcel import UnplayablePlan, parcel_from_booking
from services.simulator.domain.scenario import Journey, Odds, PlannedEvent, plan_journey
from services.simulator.ground_truth import malformed_record, parcel_record, poison_record
from services.simulator.mischief import Mischief
from shared.errors import TransientError
from shared.events.envelope import CloudEvent
from shared.events.schemas.shipments import ShipmentBooked
from shared.kafka.producer import OutgoingRecord

log = logging.getLogger(__name__)
TICK_SECONDS = 0.05
MAX_ORDERS_PER_PASS = 20  # so a high order rate never starves the scans that are due
UNCLAIMED_KEPT = 10_000  # bookings seen before our POST returned their order id


class CredentialsRefused(Exception):
    """The tracking service answered 401: the check word or credential differs from its own."""


@dataclass(frozen=True)
class RunConfig:
    orders: int = 0  # 0: no limit
    rate: float = 1.0  # orders per second
    speed: float = 1.0  # simulated hours per real second
    seed: int | None = None
    odds: Odds = field(default_factory=Odds)
    until_done: bool = False
    timeout: float = 900.0  # seconds, with until_done
    ups_format: Literal["alert", "track"] = "alert"
    adopt: bool = False  # also play shipments this run did not order
    max_batch: int = 100
    poison_records: int = 0  # produced onto carrier-scans.v1, one per new booking until this many


class Orders(Protocol):
    def place(self, order: dict[str, Any]) -> str: ...


class Ingest(Protocol):
    def post_sf(self, payload: dict[str, Any]) -> Answer: ...

    def post_ups(self, payload: Any) -> Answer: ...

    def post_malformed(self, push: MalformedPush) -> Answer: ...


class Upstream(Protocol):
    """Writes raw records to a topic, as another service's producer would (only poison records here)."""

    def send_records(self, records: Sequence[OutgoingRecord]) -> None: ...


class Watcher(Protocol):
    def poll(self, timeout_ms: int = 50) -> list[CloudEvent]: ...


class Truth(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...


class Reporter(Protocol):
    def placed(self) -> None: ...

    def booked(self) -> None: ...

    def ended(self, end: str) -> None: ...


@dataclass
class ParcelRun:
    journey: Journey
    stamps: list[datetime]
    dispatches: list[Dispatch]
    adopted: bool
    accepted: Counter = field(default_factory=Counter)  # event index -> sendings the carrier endpoint accepted
    failed: Counter = field(default_factory=Counter)
    outstanding: int = 0
    cancelled: bool = False
    withheld: bool = False  # no push is sent: only the carriers' query APIs tell of this parcel

    def __post_init__(self) -> None:
        self.outstanding = len(self.dispatches)


@dataclass
class Tally:
    placed: int = 0
    placement_failures: int = 0
    booked: int = 0
    rejected: int = 0
    unplayable: int = 0
    requests: Counter = field(default_factory=Counter)  # "sf ok", "ups failed", ...
    events_sent: int = 0
    duplicates: int = 0
    late: int = 0
    shuffled_batches: int = 0
    incomplete: int = 0  # parcels with an event no sending of which was accepted
    ends: Counter = field(default_factory=Counter)
    plots: Counter = field(default_factory=Counter)
    malformed: Counter = field(default_factory=Counter)  # "sf bad_digest answered 401", ...
    poison: Counter = field(default_factory=Counter)  # kind, or "not acknowledged"
    withheld: int = 0  # events not pushed, on purpose (their parcels are known to the query APIs alone)


class Simulator:
    def __init__(self, config: RunConfig, orders: Orders, ingest: Ingest, watcher: Watcher, truth: Truth,
                 reporter: Reporter, now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 sleep: Callable[[float], None] = time.sleep, upstream: Upstream | None = None,
                 book: CarrierBook | None = None):
        if config.poison_records and upstream is None:
            raise ValueError("poison records need an upstream producer")
        self.config, self.orders, self.ingest, self.watcher = config, orders, ingest, watcher
        self.truth, self.reporter, self.now, self.sleep, self.upstream = truth, reporter, now, sleep, upstream
        self.book = book  # what the carriers' query APIs answer from (None: no query API is served)
        self.seed = config.seed if config.seed is not None else secrets.randbits(32)
        self.rng = random.Random(self.seed)
        self.mischief = Mischief(self.seed, config.odds.malformed, config.poison_records)
        self.tally = Tally()
        self.waiting: dict[str, str] = {}  # order id -> our reference, until booked or rejected
        self.unclaimed: OrderedDict[str, CloudEvent] = OrderedDict()
        self.parcels: dict[str, ParcelRun] = {}
        self.queue: list[tuple[datetime, int, str, Dispatch]] = []
        self.sequence = 0
        self.outcome = "running"
        self.problem: str | None = None

    def run(self) -> str:
        """Loop until Ctrl-C, or with until_done until every parcel ended (or the timeout); the outcome."""
        started = self.now()
        next_order = started
        try:
            while self.outcome == "running":
                next_order = self._place_due(next_order)
                self._watch()
                self._send_due()
                self._check_done(started)
                self.sleep(TICK_SECONDS)
        except KeyboardInterrupt:
            self.outcome = "interrupted"
        except CredentialsRefused as exc:
            self.outcome, self.problem = "refused", str(exc)
        self._record_unfinished()
        return self.outcome

    @property
    def placing_done(self) -> bool:
        return 0 < self.config.orders <= self.tally.placed + self.tally.placement_failures

    @property
    def active(self) -> int:
        return len(self.waiting) + sum(1 for run in self.parcels.values() if run.outstanding)

    def _check_done(self, started: datetime) -> None:
        if not self.config.until_done:
            return
        started_any = self.tally.placed + self.tally.placement_failures + len(self.parcels) > 0
        if (self.placing_done or self.config.orders == 0) and started_any and self.active == 0:
            self.outcome = "done"
        elif (self.now() - started).total_seconds() > self.config.timeout:
            self.outcome = "timed_out"

    # --- orders ---

    def _place_due(self, next_order: datetime) -> datetime:
        for _ in range(MAX_ORDERS_PER_PASS):
            if self.placing_done or next_order > self.now():
                break
            self._place_one()
            next_order += _interval(self.config.rate)
        return next_order

    def _place_one(self) -> None:
        number = self.tally.placed + self.tally.placement_failures + 1
        reference = f"SIM-{self.seed:08x}-{number:06d}"
        order = build_order(self.rng, reference, self.config.odds.dap)
        try:
            order_id = self.orders.place(order)
        except PlacementFailed as exc:
            self.tally.placement_failures += 1
            self.truth.write({"record": "placement_failed", "shipper_reference": reference, "error": str(exc)})
            return
        self.tally.placed += 1
        self.waiting[order_id] = reference
        self.reporter.placed()
        early = self.unclaimed.pop(order_id, None)
        if early is not None:
            self._on_event(early)

    # --- bookings ---

    def _watch(self) -> None:
        for event in self.watcher.poll(timeout_ms=20):
            self._on_event(event)

    def _on_event(self, event: CloudEvent) -> None:
        order_id = event.data.get("order_id", "")
        ours = order_id in self.waiting
        if event.short_type == "shipment.cancelled":
            self._cancel(event.data.get("shipment_id", ""))
        elif not ours and not self.config.adopt:
            self._remember(order_id, event)
        elif event.short_type == "shipment.booked":
            self._start(ShipmentBooked.model_validate(event.data), adopted=not ours)
        elif event.short_type == "shipment.booking_failed" and ours:
            self._rejected(event.data)

    def _remember(self, order_id: str, event: CloudEvent) -> None:
        if event.short_type in ("shipment.booked", "shipment.booking_failed"):
            self.unclaimed[order_id] = event
            while len(self.unclaimed) > UNCLAIMED_KEPT:
                self.unclaimed.popitem(last=False)

    def _rejected(self, data: dict[str, Any]) -> None:
        self.waiting.pop(data["order_id"], None)
        self.tally.rejected += 1
        self.tally.ends["rejected"] += 1
        self.reporter.ended("rejected")
        self.truth.write({"record": "rejected", "order_id": data["order_id"], "reason_code": data["reason_code"],
                          "reason": data["reason"], "expected": {"order_status": "rejected"}})

    def _start(self, booked: ShipmentBooked, adopted: bool) -> None:
        if booked.shipment_id in self.parcels:
            return  # a redelivered booking
        self.waiting.pop(booked.order_id, None)
        try:
            parcel = parcel_from_booking(booked)
        except UnplayablePlan as exc:
            self.tally.unplayable += 1
            self.truth.write({"record": "unplayable", "shipment_id": booked.shipment_id, "error": str(exc)})
            return
        rng = random.Random(f"{self.seed}:{parcel.shipment_id}")
        journey = plan_journey(parcel, self.config.odds, rng)
        clock = CompressedClock.hours_per_second(parcel.booked_at, self.now(), self.config.speed)
        stamps = carrier_times([event.sim_at for event in journey.events], clock)
        dispatches = plan_dispatches(stamps, self.config.odds.duplicate, self.config.odds.out_of_order, rng)
        withheld = self.mischief.withholds(parcel.shipment_id, self.config.odds.withhold)
        self.parcels[parcel.shipment_id] = ParcelRun(journey, stamps, dispatches, adopted, withheld=withheld)
        self._book(journey, stamps)
        for dispatch in dispatches:
            self.sequence += 1
            heapq.heappush(self.queue, (dispatch.send_at, self.sequence, parcel.shipment_id, dispatch))
        self.tally.booked += 1
        self.tally.plots.update(_plot_labels(journey))
        self.reporter.booked()
        self._maybe_poison(parcel.shipment_id)

    def _cancel(self, shipment_id: str) -> None:
        run = self.parcels.get(shipment_id)
        if run is None or not run.outstanding or run.accepted:
            return  # unknown, finished, or already scanned (the cancellation is refused then)
        run.cancelled, run.outstanding = True, 0
        if self.book is not None:
            parcel = run.journey.parcel
            for number in (parcel.sf_waybill, parcel.ups_number):
                self.book.cut(number, self.now())
        self._finish(shipment_id, run)

    # --- carrier events ---

    def _send_due(self) -> None:
        due: list[tuple[str, Dispatch]] = []
        while self.queue and self.queue[0][0] <= self.now():
            _, _, shipment_id, dispatch = heapq.heappop(self.queue)
            if self.parcels[shipment_id].withheld:
                self._withhold(shipment_id, dispatch)
            elif not self.parcels[shipment_id].cancelled:
                due.append((shipment_id, dispatch))
        sf_due = [item for item in due if self._event(item).step.carrier == "sf_express"]
        ups_due = [item for item in due if self._event(item).step.carrier == "ups"]
        for start in range(0, len(sf_due), self.config.max_batch):
            self._send_batch("sf", sf_due[start:start + self.config.max_batch])
        for start in range(0, len(ups_due), self.config.max_batch):
            self._send_batch("ups", ups_due[start:start + self.config.max_batch])

    def _event(self, item: tuple[str, Dispatch]) -> PlannedEvent:
        shipment_id, dispatch = item
        return self.parcels[shipment_id].journey.events[dispatch.index]

    def _send_batch(self, carrier: Carrier, batch: list[tuple[str, Dispatch]]) -> None:
        if len(batch) > 1 and self.rng.random() < self.config.odds.out_of_order:
            self.rng.shuffle(batch)
            self.tally.shuffled_batches += 1
        answer = self.ingest.post_sf(self._sf_payload(batch)) if carrier == "sf" else \
            self.ingest.post_ups(self._ups_payload(batch))
        self.tally.requests[f"{carrier} {'ok' if answer.ok else 'failed'}"] += 1
        if answer.status == 401:
            raise CredentialsRefused(f"{carrier} ingest answered 401: {answer.detail}")
        if not answer.ok:
            log.warning("carrier request refused", extra={"carrier": carrier, "status": answer.status,
                                                          "detail": answer.detail})
        for shipment_id, dispatch in batch:
            self._settle(shipment_id, dispatch, answer.ok)
        self._maybe_malformed(carrier, batch[0])

    def _withhold(self, shipment_id: str, dispatch: Dispatch) -> None:
        run = self.parcels[shipment_id]
        run.outstanding -= 1
        self.tally.withheld += not dispatch.copy
        if run.outstanding == 0:
            self._finish(shipment_id, run)

    def _book(self, journey: Journey, stamps: Sequence[datetime]) -> None:
        """Tell the carriers' query APIs every event of the parcel, each known from its carrier time on."""
        if self.book is None:
            return
        parcel = journey.parcel
        for event, at in zip(journey.events, stamps, strict=True):
            if event.step.carrier == "sf_express":
                item = sf.route(event, parcel.sf_waybill, parcel.shipment_id, at)
                self.book.add(parcel.sf_waybill, [(at, item)])
            else:
                gmt = not ups.without_gmt(parcel.ups_number, event, at)
                self.book.add(parcel.ups_number, [(at, ups.activity(event, at, gmt=gmt))])

    def _settle(self, shipment_id: str, dispatch: Dispatch, ok: bool) -> None:
        run = self.parcels[shipment_id]
        (run.accepted if ok else run.failed)[dispatch.index] += 1
        run.outstanding -= 1
        self.tally.events_sent += 1
        self.tally.duplicates += dispatch.copy
        self.tally.late += dispatch.late and not dispatch.copy
        if run.outstanding == 0:
            self._finish(shipment_id, run)

    def _sf_payload(self, batch: list[tuple[str, Dispatch]]) -> dict[str, Any]:
        return sf.route_push([self._route(shipment_id, dispatch) for shipment_id, dispatch in batch])

    def _route(self, shipment_id: str, dispatch: Dispatch) -> dict[str, Any]:
        run = self.parcels[shipment_id]
        parcel = run.journey.parcel
        event = run.journey.events[dispatch.index]
        return sf.route(event, parcel.sf_waybill, parcel.shipment_id, run.stamps[dispatch.index])

    def _ups_payload(self, batch: list[tuple[str, Dispatch]]) -> Any:
        if self.config.ups_format == "track":
            packages: dict[str, list[tuple[datetime, dict[str, Any]]]] = {}
            for shipment_id, dispatch in batch:
                run = self.parcels[shipment_id]
                event, at, number = run.journey.events[dispatch.index], run.stamps[dispatch.index], \
                    run.journey.parcel.ups_number
                packages.setdefault(number, []).append(
                    (at, ups.activity(event, at, gmt=not ups.without_gmt(number, event, at))))
            return ups.track_response(packages)
        return [self._alert(shipment_id, dispatch, gmt=None) for shipment_id, dispatch in batch]

    def _alert(self, shipment_id: str, dispatch: Dispatch, gmt: bool | None = True) -> dict[str, Any]:
        """One Track Alert; `gmt=None`: with or without GMT fields as `ups.without_gmt` picks for the event."""
        run = self.parcels[shipment_id]
        event, at = run.journey.events[dispatch.index], run.stamps[dispatch.index]
        parcel = run.journey.parcel
        scheduled = _local_date(run.stamps[-1], parcel.destination.zone) if event.place == parcel.destination else None
        with_gmt = gmt if gmt is not None else not ups.without_gmt(parcel.ups_number, event, at)
        return ups.alert(event, parcel.ups_number, at, scheduled, gmt=with_gmt)

    # --- deliberately malformed traffic ---

    def _maybe_malformed(self, carrier: Carrier, item: tuple[str, Dispatch]) -> None:
        planned = self.mischief.next_push(carrier)
        if planned is None:
            return
        push = malformed.sf_push(self._route(*item), *planned) if carrier == "sf" else \
            malformed.ups_push(self._alert(*item), *planned)
        answer = self.ingest.post_malformed(push)
        self.tally.malformed[f"{carrier} {push.kind} answered {answer.status}"] += 1
        record = malformed_record(push, answer.status, answer.detail)
        if not record["refused"]:  # the tracking service has a bug: say so now, not only in the truth file
            log.warning("malformed push not refused with a 4xx", extra={"kind": push.kind, "status": answer.status})
        self.truth.write(record)

    def _maybe_poison(self, shipment_id: str) -> None:
        poison = self.mischief.next_poison(shipment_id, self.now())
        if poison is None or self.upstream is None:
            return
        error = None
        try:
            self.upstream.send_records([poison.record])
        except TransientError as exc:  # recorded as not produced; the run goes on
            error = str(exc)
        self.tally.poison[poison.kind if error is None else "not acknowledged"] += 1
        self.truth.write(poison_record(poison, error))

    # --- ends ---

    def _finish(self, shipment_id: str, run: ParcelRun) -> None:
        record = parcel_record(run.journey, run.stamps, run.dispatches, run.accepted, run.failed,
                               adopted=run.adopted, cancelled=run.cancelled, withheld=run.withheld)
        self.truth.write(record)
        self.tally.incomplete += not record["complete"] and not run.cancelled
        end = "cancelled" if run.cancelled else run.journey.plot.end
        self.tally.ends[end] += 1
        self.reporter.ended(end)

    def _record_unfinished(self) -> None:
        for order_id, reference in self.waiting.items():
            self.truth.write({"record": "unbooked", "order_id": order_id, "shipper_reference": reference})
        for run in self.parcels.values():
            if run.outstanding:
                self.truth.write(parcel_record(run.journey, run.stamps, run.dispatches, run.accepted, run.failed,
                                               adopted=run.adopted, finished=False, withheld=run.withheld))


def _interval(rate: float) -> timedelta:
    return timedelta(seconds=1 / rate)


def _local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _plot_labels(journey: Journey) -> list[str]:
    plot = journey.plot
    labels = {
        "export hold": plot.export_hold is not None, "import hold": plot.import_hold is not None,
        "duties due": plot.duties_due, "failed attempt": plot.failed_attempt, "unmapped code": plot.unmapped,
    }
    return [label for label, present in labels.items() if present]
