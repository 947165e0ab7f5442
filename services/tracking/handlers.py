"""One plain function per command and per consumed event: the carrier ingest path, and the consumer's handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from services.tracking import messages
from services.tracking.adapters.reconciliation_store import QuietIndex
from services.tracking.adapters.repository import (
    TRACKERS,
    AliasRepository,
    ParkedScan,
    ParkingRepository,
    TrackerRepository,
)
from services.tracking.carriers.refusals import Refusal
from services.tracking.domain.model import Tracker, TrackerNotFound
from services.tracking.domain.reconciliation import quiet_key
from services.tracking.domain.scan import CanonicalScan
from services.tracking.metrics import ITEMS_REFUSED, PARKED_EXPIRED, PARKED_RELEASED, SCANS_INGESTED, UNMAPPED_CODES
from shared.batch.routes import Applied, Handles, keyed
from shared.clock import Clock, utc_now
from shared.errors import BusinessRuleViolation
from shared.events.envelope import CloudEvent, new_event, new_events
from shared.events.schemas.scans import ScanRecorded
from shared.events.schemas.shipments import ShipmentBooked, ShipmentCancelled
from shared.mongo.documents import Document

log = logging.getLogger(__name__)
PUBLISH_CHUNK = 1000  # records per send-and-wait: bounds memory and the time of one wait


class Publisher(Protocol):
    def publish(self, events: Iterable[CloudEvent]) -> None:
        """Return once every event is acknowledged by the broker; raise TransientError otherwise."""


@dataclass(frozen=True)
class Deps:
    trackers: TrackerRepository
    aliases: AliasRepository
    parked: ParkingRepository
    publisher: Publisher
    clock: Clock = utc_now
    quiet: QuietIndex | None = None  # the reconciliation poller's keys (None: not kept, e.g. web processes)


@dataclass(frozen=True)
class Ingested:
    recorded: int
    parked: int
    unmapped: int


def ingest(scans: Sequence[CanonicalScan], deps: Deps, request_id: str | None = None) -> Ingested:
    """Publish each scan as `scan.recorded` (keyed by its shipment), or park it if its number is unknown.

    A synchronous publish, not an outbox: the carrier is told "success" only after the broker acknowledged
    every record, and a carrier retries what was not acknowledged (SF three times, UPS Track Alert too) —
    the carrier's retry is our safety net, and a repeated scan is absorbed by its stable scan id.
    """
    received_at = deps.clock()
    owners = deps.aliases.resolve({scan.carrier_number for scan in scans})
    known = [scan.resolved(owners[scan.carrier_number]) for scan in scans if scan.carrier_number in owners]
    unknown = [scan for scan in scans if scan.carrier_number not in owners]
    for start in range(0, len(known), PUBLISH_CHUNK):
        chunk = known[start:start + PUBLISH_CHUNK]
        deps.publisher.publish([messages.scan_event(scan, received_at, request_id) for scan in chunk])
    if unknown:
        _park(unknown, received_at, deps)
    _count(scans, known, unknown)
    return Ingested(len(known), len(unknown), sum(scan.unmapped for scan in scans))


def count_refused(carrier: str, refusals: Sequence[Refusal]) -> None:
    """Count and log the items left out of a payload: the carrier will not resend them, so only we can tell."""
    for refusal in refusals:
        ITEMS_REFUSED.labels(carrier, refusal.reason).inc()
    if refusals:
        log.warning("carrier items refused", extra={"carrier": carrier, "refused": len(refusals),
                                                    "first": f"{refusals[0].where}: {refusals[0].message}"[:300]})


def _park(scans: Sequence[CanonicalScan], received_at: datetime, deps: Deps) -> None:
    deps.parked.park([
        ParkedScan(scan.carrier_number, scan.scan_id, messages.scan_data(scan.resolved("-"), received_at), received_at)
        for scan in scans
    ])
    # The tracker may have appeared between our lookup and the parking: its creation released what was
    # parked before it wrote the aliases, so look again now, after parking, and release what resolves.
    release_parked(deps.aliases.resolve({scan.carrier_number for scan in scans}), deps)


def _count(scans: Sequence[CanonicalScan], known: Sequence[CanonicalScan], unknown: Sequence[CanonicalScan]) -> None:
    for outcome, group in (("recorded", known), ("parked", unknown)):
        for scan in group:
            SCANS_INGESTED.labels(scan.carrier, outcome).inc()
    for scan in scans:
        if scan.unmapped:
            code = "/".join(f"{k}={v}" for k, v in sorted(scan.raw_codes.items()))[:60]
            UNMAPPED_CODES.labels(scan.carrier, code).inc()
            log.warning("unmapped carrier code", extra={"carrier": scan.carrier, "codes": scan.raw_codes})


def release_parked(owners: Mapping[str, str], deps: Deps, request_ids: Mapping[str, str | None] | None = None) -> int:
    """Publish the scans parked for these numbers (number -> shipment id) as their shipments', then forget them.

    One query for every number. The parked documents are this path's outbox: they are removed only after the
    broker acknowledged. Returns how many were released.
    """
    parked = deps.parked.parked_for(owners)
    if not parked:
        return 0
    request_ids = request_ids or {}
    events = [_parked_event(item, shipment_id, request_ids.get(shipment_id))
              for item in parked for shipment_id in [owners[item.carrier_number]]]
    for start in range(0, len(events), PUBLISH_CHUNK):
        deps.publisher.publish(events[start:start + PUBLISH_CHUNK])
    deps.parked.remove(parked)
    for item in parked:
        PARKED_RELEASED.labels(item.data["carrier"]).inc()
    return len(parked)


def expire_parked(parked: ParkingRepository, ttl: timedelta, clock: Clock = utc_now) -> int:
    """Drop the scans parked longer than `ttl` (their number was never booked); counted and logged every pass.

    A carrier may push scans for a number we never book (a typo, a parcel not ours): without this they would
    be kept for good, and every parked-scan lookup reads that collection.
    """
    parked_before = clock() - ttl
    expired = parked.expire(parked_before)
    PARKED_EXPIRED.inc(expired)
    log.info("parked scans expired", extra={"expired": expired, "parked_before": parked_before.isoformat(),
                                            "ttl_days": ttl / timedelta(days=1)})
    return expired


def _parked_event(item: ParkedScan, shipment_id: str, request_id: str | None) -> CloudEvent:
    data = {**item.data, "shipment_id": shipment_id}
    return new_event("scan.recorded", shipment_id, data, source=messages.SOURCE, request_id=request_id)


# The consumer's handlers: (tracker or None, event, deps) -> the tracker after it and the events it causes.
# Pure but for the clock; the batch unit loads, applies a poll's events in order, and saves with the outbox.

def open_tracker(tracker: Tracker | None, event: CloudEvent, deps: Deps) -> Applied[Tracker]:
    """The booked shipment's tracker, opened (a booking for a tracker already open changes nothing)."""
    if tracker is not None:
        return Applied(tracker)
    booked = ShipmentBooked.model_validate(event.data)
    return _applied(messages.tracker_from_booking(booked, event.time, deps.clock()), event)


def cancel_tracker(tracker: Tracker | None, event: CloudEvent, deps: Deps) -> Applied[Tracker]:
    """The shipment was cancelled: its tracker becomes `cancelled` (terminal), once."""
    cancelled = ShipmentCancelled.model_validate(event.data)
    tracker = _existing(tracker, event)
    tracker.cancel(cancelled.cancelled_at or event.time, deps.clock())
    return _applied(tracker, event)


def record_scan(tracker: Tracker | None, event: CloudEvent, deps: Deps) -> Applied[Tracker]:
    """A recorded scan added to its tracker's timeline; the same scan twice is one scan."""
    data = ScanRecorded.model_validate(event.data)
    tracker = _existing(tracker, event)
    tracker.record(messages.scan_from_data(data), data.received_at or event.time, deps.clock())
    return _applied(tracker, event)


def _existing(tracker: Tracker | None, event: CloudEvent) -> Tracker:
    if tracker is None:
        # Scans are recorded only for numbers whose tracker exists, and a cancellation follows its booking
        # on the same partition: an event for a missing tracker is not ours to apply (dead-letter it).
        raise TrackerNotFound(f"{event.short_type} {event.id} names unknown shipment {event.subject}")
    return tracker


def _applied(tracker: Tracker, event: CloudEvent) -> Applied[Tracker]:
    """The tracker with the domain events of this one event as CloudEvents (taken off the tracker)."""
    caused = new_events(messages.SOURCE, tracker.shipment_id, tracker.events, event.requestid)
    tracker.events.clear()
    return Applied(tracker, caused)


def publish_numbers(bookings: Sequence[CloudEvent], deps: Deps) -> list[tuple[CloudEvent, BaseException]]:
    """After the booked trackers are written: their numbers resolve (one write), then scans parked for them go.

    Order matters: the tracker exists before any alias points to it (so every recorded scan finds it), and
    aliases exist before parked scans are released (see `_park`). A redelivered booking redoes both. A booking
    whose number belongs to another shipment is refused (its tracker stays, unreachable by that number).
    """
    numbers = {event.id: _numbers(event) for event in bookings}
    taken = deps.aliases.add_all([(n, event.subject) for event in bookings for n in numbers[event.id]])
    refused = [(e, BusinessRuleViolation(f"number {n} already belongs to shipment {taken[n]}"))
               for e in bookings for n in numbers[e.id] if n in taken and taken[n] != e.subject]
    left_out = {id(event) for event, _ in refused}
    kept = [event for event in bookings if id(event) not in left_out]
    owners = {n: event.subject for event in kept for n in numbers[event.id]}
    release_parked(owners, deps, {event.subject: event.requestid for event in kept})
    return refused


def note_quiet(events: Sequence[CloudEvent], deps: Deps,
               documents: Callable[[Sequence[str]], Mapping[str, Document]]) -> list[tuple[CloudEvent, BaseException]]:
    """After the trackers are written: each one's previous `recon_quiet` key deleted and its current one (unless
    settled) inserted — one delete and one insert for the batch, and only for trackers whose key changed.

    `documents` gives the trackers as written (the batch unit's cache, else the store). A key left behind by a
    crash between the write and this is found stale, and deleted, by the poller.
    """
    if deps.quiet is None:
        return []
    written = documents(sorted({event.subject for event in events}))
    old, new = [], []
    for shipment_id, document in written.items():
        before, now = document.get("quiet_since_before"), document.get("quiet_since")
        key = quiet_key(now, shipment_id) if now and document.get("settled") is False else None
        previous = quiet_key(before, shipment_id) if before else None
        if previous != key:
            old.extend([previous] if previous else [])
            new.extend([key] if key else [])
    deps.quiet.forget(old)
    deps.quiet.note(new)
    return []


def _numbers(event: CloudEvent) -> tuple[str, str, str]:
    booked = ShipmentBooked.model_validate(event.data)
    return booked.shipment_id, booked.sf_waybill, booked.ups_tracking_number


# What the consumer hands to which handler; other types on the consumed topics are skipped.
ROUTES: dict[str, Handles] = {
    "shipment.booked": Handles(open_tracker, keyed(TRACKERS)),
    "shipment.cancelled": Handles(cancel_tracker, keyed(TRACKERS)),
    "scan.recorded": Handles(record_scan, keyed(TRACKERS)),
}
AFTER_WRITE: dict[str, Callable[..., list[tuple[CloudEvent, BaseException]]]] = {"shipment.booked": publish_numbers}
