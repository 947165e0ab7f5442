"""One plain function per command and per consumed event: load, one domain call, save with the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.tracking import messages
from services.tracking.adapters.repository import (
    AliasRepository,
    ParkedScan,
    ParkingRepository,
    TrackerRepository,
)
from services.tracking.domain.model import Tracker, TrackerNotFound
from services.tracking.domain.scan import CanonicalScan
from services.tracking.metrics import PARKED_RELEASED, SCANS_INGESTED, UNMAPPED_CODES
from shared.errors import BusinessRuleViolation
from shared.events.envelope import CloudEvent, new_event
from shared.events.schemas.scans import ScanRecorded
from shared.events.schemas.shipments import ShipmentBooked, ShipmentCancelled

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
PUBLISH_CHUNK = 1000  # records per send-and-wait: bounds memory and the time of one wait


def utc_now() -> datetime:
    return datetime.now(UTC)


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


def _park(scans: Sequence[CanonicalScan], received_at: datetime, deps: Deps) -> None:
    deps.parked.park([
        ParkedScan(scan.carrier_number, scan.scan_id, messages.scan_data(scan.resolved("-"), received_at))
        for scan in scans
    ])
    # The tracker may have appeared between our lookup and the parking: its creation released what was
    # parked before it wrote the aliases, so look again now, after parking, and release what resolves.
    for number, shipment_id in deps.aliases.resolve({scan.carrier_number for scan in scans}).items():
        release_parked(shipment_id, [number], deps)


def _count(scans: Sequence[CanonicalScan], known: Sequence[CanonicalScan], unknown: Sequence[CanonicalScan]) -> None:
    for outcome, group in (("recorded", known), ("parked", unknown)):
        for scan in group:
            SCANS_INGESTED.labels(scan.carrier, outcome).inc()
    for scan in scans:
        if scan.unmapped:
            code = "/".join(f"{k}={v}" for k, v in sorted(scan.raw_codes.items()))[:60]
            UNMAPPED_CODES.labels(scan.carrier, code).inc()
            log.warning("unmapped carrier code", extra={"carrier": scan.carrier, "codes": scan.raw_codes})


def release_parked(shipment_id: str, numbers: Iterable[str], deps: Deps, request_id: str | None = None) -> int:
    """Publish the scans parked for these numbers as the shipment's, then forget them; returns how many.

    The parked documents are this path's outbox: they are removed only after the broker acknowledged.
    """
    parked = deps.parked.parked_for(numbers)
    if not parked:
        return 0
    events = [_parked_event(item, shipment_id, request_id) for item in parked]
    for start in range(0, len(events), PUBLISH_CHUNK):
        deps.publisher.publish(events[start:start + PUBLISH_CHUNK])
    deps.parked.remove(parked)
    for item in parked:
        PARKED_RELEASED.labels(item.data["carrier"]).inc()
    return len(parked)


def _parked_event(item: ParkedScan, shipment_id: str, request_id: str | None) -> CloudEvent:
    data = {**item.data, "shipment_id": shipment_id}
    return new_event("scan.recorded", shipment_id, data, source=messages.SOURCE, request_id=request_id)


def create_tracker(event: CloudEvent, deps: Deps) -> bool:
    """Open the booked shipment's tracker, make its three numbers resolve, release scans parked for them.

    Order matters: the tracker exists before any alias points to it (so every recorded scan finds it),
    and aliases exist before parked scans are released (see `_park`). A redelivery redoes the last two.
    """
    booked = ShipmentBooked.model_validate(event.data)
    tracker = messages.tracker_from_booking(booked, event.time, deps.clock())
    created = deps.trackers.add(tracker, messages.envelopes(tracker.shipment_id, tracker.events, event.requestid))
    deps.aliases.add(tracker.shipment_id, tracker.numbers)
    release_parked(tracker.shipment_id, tracker.numbers, deps, event.requestid)
    return created


def cancel_tracker(event: CloudEvent, deps: Deps) -> bool:
    """The shipment was cancelled: its tracker becomes `cancelled` (terminal), once."""
    cancelled = ShipmentCancelled.model_validate(event.data)
    at = cancelled.cancelled_at or event.time

    def change(tracker: Tracker) -> list[CloudEvent]:
        tracker.cancel(at, deps.clock())
        return messages.envelopes(tracker.shipment_id, tracker.events, event.requestid)

    return _apply_once(cancelled.shipment_id, event, change, deps)


def apply_scan(event: CloudEvent, deps: Deps) -> bool:
    """Add a recorded scan to its tracker's timeline; the same scan twice is one scan."""
    data = ScanRecorded.model_validate(event.data)
    change = _scan_change(messages.scan_from_data(data), data.received_at or event.time, event, deps)
    return _apply_once(data.shipment_id, event, change, deps)


def apply_scans(events: list[CloudEvent], deps: Deps) -> int:
    """Several recorded scans of one shipment (one poll's worth) applied in one write; returns how many were new."""
    datas = [ScanRecorded.model_validate(event.data) for event in events]
    shipment_id = datas[0].shipment_id
    if any(data.shipment_id != shipment_id for data in datas):
        raise ValueError("a batch must hold the scans of one shipment")  # the runner then goes one by one
    changes = [(event.id, _scan_change(messages.scan_from_data(data), data.received_at or event.time, event, deps))
               for event, data in zip(events, datas, strict=True)]
    try:
        return deps.trackers.apply_many(shipment_id, changes)
    except TrackerNotFound as exc:
        raise BusinessRuleViolation(f"scans for unknown shipment {shipment_id}") from exc


def _scan_change(scan, received_at, event: CloudEvent, deps: Deps):
    def change(tracker: Tracker) -> list[CloudEvent]:
        tracker.record(scan, received_at, deps.clock())
        return messages.envelopes(tracker.shipment_id, tracker.events, event.requestid)

    return change


def _apply_once(shipment_id: str, event: CloudEvent, change, deps: Deps) -> bool:
    try:
        return deps.trackers.apply_once(shipment_id, event.id, change)
    except TrackerNotFound as exc:
        # Scans are recorded only for numbers whose tracker exists, and a cancellation follows its booking
        # on the same partition: an event for a missing tracker is not ours to apply (dead-letter it).
        raise BusinessRuleViolation(f"{event.short_type} {event.id} names unknown shipment {shipment_id}") from exc


# Types whose events for one shipment, polled together, are applied in one write.
BATCH_HANDLERS: dict[str, Callable[[list[CloudEvent], Deps], int]] = {"scan.recorded": apply_scans}

# What the consumer hands to which handler; other types on the consumed topics are skipped.
EVENT_HANDLERS: dict[str, Callable[[CloudEvent, Deps], bool]] = {
    "shipment.booked": create_tracker,
    "shipment.cancelled": cancel_tracker,
    "scan.recorded": apply_scan,
}
