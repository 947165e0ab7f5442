"""`tracking.v1`: the customer-facing status or milestone of a parcel changed.

Read by orders (order_id, status, occurred_at, physically_scanned, reason) and shipping (physically_scanned).
Fields after `physically_scanned` are optional so a v1 event without them still validates.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import Carrier, Leg, Milestone, Reason, Status


class TrackingStatusChanged(Payload):
    shipment_id: str
    order_id: str
    status: Status
    milestone: Milestone | None
    previous_status: Status | None
    leg: Leg | None
    carrier: Carrier | None
    reason: Reason | None = None
    occurred_at: datetime
    physically_scanned: bool
    previous_milestone: Milestone | None = None
    shipper_id: str | None = None
    estimated_delivery: date | None = None
    scan_id: str | None = None  # the scan that caused the change; None for a cancellation
