"""`carrier-scans.v1`: one canonical carrier scan, with the raw carrier fields it came from.

Written by the tracking service's ingest endpoints (after the carrier number was resolved to the shipment),
read by the tracking service's own consumer. Fields after `raw` were added before anything consumed v1
and are optional, so a v1 event without them still validates. The time-derivation fields and `by_leg`
(issue 12) are optional too; since payloads forbid unknown fields, a consumer must be upgraded before (or
with) the producer that starts writing them — tracking is both, in one deploy.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import Carrier, Leg, Milestone, Reason, Status

# movement: the parcel moved or was held (changes status); eta_update: only a new delivery date;
# notice: recorded for the timeline but changes nothing (e.g. a voided label).
ScanKind = Literal["movement", "eta_update", "notice"]
TimeBasis = Literal["gmt", "offset", "location", "last_known", "china_time"]


class ScanLocation(Payload):
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None
    description: str | None = None


class ScanRecorded(Payload):
    scan_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    shipment_id: str
    carrier: Carrier
    carrier_number: str = Field(min_length=1, max_length=40)
    occurred_at: datetime
    location: ScanLocation
    raw_codes: dict[str, str]
    raw_text: str = ""
    status: Status | None  # None for eta_update and notice scans
    milestone: Milestone | None
    leg: Leg | None
    reason: Reason | None = None
    delivery_estimate: date | None = None
    raw: dict[str, Any] = Field(default_factory=dict)
    kind: ScanKind = "movement"
    mapped_from: str | None = None  # the carrier field whose code decided the mapping; None = unmapped
    received_at: datetime | None = None  # when ingest accepted it (future-dated scans are judged against it)
    # A hub, arrival or departure scan: `milestone` is the origin side's, the tracker places it by its leg.
    by_leg: bool = False
    local_time: str | None = None  # the carrier's printed local date and time (ISO, no zone)
    time_zone: str | None = None  # the IANA zone or offset `occurred_at` was derived with
    time_basis: TimeBasis | None = None
    approximate_time: bool = False  # derived from a guessed zone
