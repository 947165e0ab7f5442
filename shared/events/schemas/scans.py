"""`carrier-scans.v1`: one canonical carrier scan, with the raw carrier fields it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import Carrier, Leg, Milestone, Reason, Status


class ScanLocation(Payload):
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None
    description: str | None = None


class ScanRecorded(Payload):
    scan_id: str
    shipment_id: str
    carrier: Carrier
    carrier_number: str
    occurred_at: datetime
    location: ScanLocation
    raw_codes: dict[str, str]
    raw_text: str = ""
    status: Status
    milestone: Milestone | None
    leg: Leg | None
    reason: Reason | None = None
    delivery_estimate: datetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict)
