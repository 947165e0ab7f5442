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
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.simulator import payloads, tricks
from services.simulator.adapters.http import PlacementFailed
from services.simulator.carriers import sf, ups
from services.simulator.carriers.malformed import Carrier
from services.simulator.domain.carrier_book import CarrierBook
from services.simulator.domain.clock import CompressedClock, carrier_times
from services.simulator.domain.dispatch import Dispatch, plan_dispatches
from services.simulator.domain.goods import build_order
from services.simulator.domain.parcel import UnplayablePlan, parcel_from_booking
from services.simulator.domain.scenario import Journey, PlannedEvent, plan_journey
from services.simulator.ground_truth import parcel_record
from services.simulator.mischief import Mischief
from services.simulator.ports import CredentialsRefused, Ingest, Orders, Reporter, RunConfig, Truth, Upstream, Watcher
from services.simulator.state import ParcelRun, Tally
from shared.events.envelope import CloudEvent
from shared.events.schemas.shipments import ShipmentBooked

log = logging.getLogger(__name__)
TICK_SECONDS = 0.05
MAX_ORDERS_PER_PASS = 20  # so a high order rate never starves the scans that are due
UNCLAIMED_KEPT = 10_000  # bookings seen before our POST returned their order id


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
            next_order += timedelta(seconds=1 / self.config.rate)
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
        self.tally.plots.update(journey.plot.labels())
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
        answer = self.ingest.post_sf(payloads.sf_push(self.parcels, batch)) if carrier == "sf" else \
            self.ingest.post_ups(payloads.ups_push(self.parcels, batch, self.config.ups_format))
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

    # --- deliberately malformed traffic ---

    def _maybe_malformed(self, carrier: Carrier, item: tuple[str, Dispatch]) -> None:
        tricks.send_malformed(self.mischief, self.ingest, self.tally, self.truth, carrier, self.parcels[item[0]],
                                item[1])

    def _maybe_poison(self, shipment_id: str) -> None:
        if self.upstream is not None:
            tricks.send_poison(self.mischief, self.upstream, self.tally, self.truth, shipment_id, self.now())

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
