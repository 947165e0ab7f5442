"""Between the outside shapes and the domain: events <-> canonical scans and trackers."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from services.tracking.domain import masking
from services.tracking.domain.model import Recipient, Tracker
from services.tracking.domain.rules import PlannedLeg
from services.tracking.domain.scan import CanonicalScan, Location
from shared.events.envelope import CloudEvent, new_event
from shared.events.schemas.scans import ScanRecorded
from shared.events.schemas.shipments import ShipmentBooked

SOURCE = "/parcelbridge/tracking"


def scan_data(scan: CanonicalScan, received_at: datetime) -> dict[str, Any]:
    """The `scan.recorded` data of a resolved scan (JSON-compatible)."""
    data = dataclasses.asdict(scan)
    data["location"] = {k: v for k, v in data["location"].items() if v is not None}
    data["received_at"] = received_at
    return ScanRecorded.model_validate(data).model_dump(mode="json")


def scan_event(scan: CanonicalScan, received_at: datetime, request_id: str | None) -> CloudEvent:
    if not scan.shipment_id:
        raise ValueError(f"scan {scan.scan_id} is not resolved to a shipment")
    return new_event("scan.recorded", scan.shipment_id, scan_data(scan, received_at), source=SOURCE,
                     request_id=request_id)


def scan_from_data(data: ScanRecorded) -> CanonicalScan:
    return CanonicalScan(
        scan_id=data.scan_id, carrier=data.carrier, carrier_number=data.carrier_number,
        occurred_at=data.occurred_at, status=data.status, milestone=data.milestone, leg=data.leg,
        location=Location(**data.location.model_dump()), reason=data.reason, raw_codes=dict(data.raw_codes),
        raw_text=data.raw_text, kind=data.kind, mapped_from=data.mapped_from,
        delivery_estimate=data.delivery_estimate, raw=dict(data.raw), shipment_id=data.shipment_id,
        by_leg=data.by_leg, local_time=data.local_time, time_zone=data.time_zone, time_basis=data.time_basis,
        approximate_time=data.approximate_time,
    )


def tracker_from_booking(booked: ShipmentBooked, event_time: datetime, now: datetime) -> Tracker:
    """A new tracker for a booked shipment.

    The booking carries the recipient's initials, never the name: the shipping service reduces it.
    """
    plan = [PlannedLeg(leg.leg, leg.carrier, leg.planned_start, leg.planned_end) for leg in booked.legs]
    destination = booked.destination
    recipient = Recipient(
        initials=destination.recipient_initials if destination else None,
        city=masking.city(destination.city if destination else None),
        region=destination.state if destination else None,
    )
    return Tracker.open(
        booked.shipment_id, booked.order_id, booked.shipper_id, booked.sf_waybill, booked.ups_tracking_number,
        booked.promised_delivery_date, plan, recipient, booked.booked_at or event_time, now,
    )
