"""Seeded trackers for customer polling, built through the tracking domain exactly as the consumer builds them.

Each one is a clone of a real booking with fresh valid numbers, opened with `Tracker.open` (via the
booking mapping) and fed its journey's scans with `Tracker.record`. The journey is the carrier simulator's,
rendered in SF's and UPS's wire formats and read back by tracking's own parsers, moved into the past: most
parcels finished their journey within the last weeks, the others are somewhere along it now. The stored
shape comes from the repository's own mapping, so the store holds what the services would have written.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from services.shipping.domain.numbers import new_sf_waybill, new_shipment_id, new_ups_number
from services.simulator.carriers import sf, ups
from services.simulator.domain.parcel import parcel_from_booking
from services.simulator.domain.scenario import Odds, PlannedEvent, plan_journey
from services.tracking import messages
from services.tracking.adapters.repository import tracker_document
from services.tracking.carriers.sf import parse as sf_parse
from services.tracking.carriers.ups import parse as ups_parse
from services.tracking.domain.model import Tracker
from services.tracking.domain.scan import CanonicalScan
from shared.events.schemas.shipments import ShipmentBooked
from shared.mongo.documents import Document, mark_applied, with_events

Numbers = tuple[str, str, str]  # shipment id, SF waybill, UPS 1Z
# A shipper account of their own, so no seeded 1Z number can be one the scan-pipeline clones or real orders hold.
SEED_UPS_ACCOUNT = "PBSEED"
MIN_SCANS = 15  # carrier scans; with the booking's two entries, 17 to ~26 timeline entries
IN_TRANSIT_SHARE = 0.4
FINISHED_WITHIN = timedelta(days=45)
IN_TRANSIT_LAST_SCAN_WITHIN = timedelta(days=2)
EARLIEST = timedelta(hours=1)  # nothing happened in the last hour: no scan is future-dated
ODDS = Odds()


def fresh_numbers(count: int, taken: set[str], rng: random.Random) -> list[Numbers]:
    """`count` sets of valid numbers, none in `taken` nor used twice (`taken` grows with them)."""
    found: list[Numbers] = []
    while len(found) < count:
        numbers = (new_shipment_id(rng.randrange), new_sf_waybill(rng.randrange),
                   new_ups_number(rng.randrange, "standard", SEED_UPS_ACCOUNT))
        if not taken.intersection(numbers):
            taken.update(numbers)
            found.append(numbers)
    return found


def seeded_tracker(template: ShipmentBooked, numbers: Numbers, rng: random.Random, now: datetime) -> Tracker:
    """A tracker for a clone of `template` with these numbers, holding the scans its journey has had by `now`."""
    booking = _renumbered(template, numbers)
    events = list(plan_journey(parcel_from_booking(booking), ODDS, rng).events)
    events, shift = _as_of(events, rng, now)
    booking = _shifted(booking, shift)
    tracker = messages.tracker_from_booking(booking, booking.booked_at or now, booking.booked_at or now)
    for scan in _scans(booking, events, shift):
        received = scan.occurred_at + timedelta(seconds=rng.uniform(30, 900))
        tracker.record(scan.resolved(booking.shipment_id), received, received)
    return tracker


def stored_documents(tracker: Tracker, new_id: Callable[[], str] = lambda: str(uuid.uuid4())
                     ) -> tuple[Document, list[Document]]:
    """The tracker's document as the repository stores it, and its three `aliases` documents.

    Its events count as published (empty outbox), each recorded scan as one applied `scan.recorded`.
    """
    document = {**with_events(tracker_document(tracker), ()), "version": 1}
    for _scan in range(len(tracker.timeline) - 2):  # every entry but the booking's two came from a scan event
        document = mark_applied(document, new_id())
    aliases = [{"_id": number, "shipment_id": tracker.shipment_id} for number in tracker.numbers]
    return document, aliases


def _renumbered(template: ShipmentBooked, numbers: Numbers) -> ShipmentBooked:
    shipment_id, waybill, ups_number = numbers
    return template.model_copy(update={"shipment_id": shipment_id, "sf_waybill": waybill,
                                       "ups_tracking_number": ups_number,
                                       "order_id": f"ord_seed_{shipment_id[2:].lower()}"})


def _as_of(events: list[PlannedEvent], rng: random.Random, now: datetime) -> tuple[list[PlannedEvent], timedelta]:
    """The events that happened by `now`, and how far the journey moves back in time to get there."""
    if len(events) > MIN_SCANS and rng.random() < IN_TRANSIT_SHARE:
        events = events[:rng.randint(MIN_SCANS, len(events) - 1)]
        last = now - EARLIEST - rng.random() * IN_TRANSIT_LAST_SCAN_WITHIN
    else:
        last = now - EARLIEST - rng.random() * FINISHED_WITHIN
    return events, last - events[-1].sim_at


def _shifted(booking: ShipmentBooked, shift: timedelta) -> ShipmentBooked:
    legs = [leg.model_copy(update={"planned_start": leg.planned_start + shift, "planned_end": leg.planned_end + shift})
            for leg in booking.legs]
    days = timedelta(days=round(shift / timedelta(days=1)))
    return booking.model_copy(update={
        "legs": legs, "promised_delivery_date": booking.promised_delivery_date + days,
        "booked_at": booking.booked_at + shift if booking.booked_at else None,
    })


def _scans(booking: ShipmentBooked, events: list[PlannedEvent], shift: timedelta) -> list[CanonicalScan]:
    """The events as each carrier would report them, read by tracking's parsers, in the order they happened."""
    by_carrier: dict[str, list[PlannedEvent]] = defaultdict(list)
    for event in events:
        by_carrier[event.step.carrier].append(event)
    routes = [sf.route(e, booking.sf_waybill, booking.order_id, e.sim_at + shift) for e in by_carrier["sf_express"]]
    alerts = [ups.alert(e, booking.ups_tracking_number, e.sim_at + shift) for e in by_carrier["ups"]]
    scans = ((sf_parse.parse(sf.route_push(routes)).scans if routes else [])
             + (ups_parse.parse(alerts).scans if alerts else []))
    return sorted(scans, key=lambda scan: scan.occurred_at)
