"""`tracking.v1`: the customer-facing status of a parcel changed."""

from __future__ import annotations

from datetime import datetime

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
