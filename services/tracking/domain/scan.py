"""The canonical scan every carrier format is parsed into, and its stable id."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from shared.events.schemas.vocabulary import Carrier, Leg, Milestone, Reason, Status

ScanKind = Literal["movement", "eta_update", "notice"]
# How the UTC time was derived: the carrier's GMT fields, its printed offset, the zone of the scan's location,
# the package's last known zone (a guess), or China time (SF's `acceptTime`).
TimeBasis = Literal["gmt", "offset", "location", "last_known", "china_time"]


@dataclass(frozen=True)
class Location:
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Mapping:
    """What one carrier code means in our model (a row of a carrier's code table)."""

    status: Status | None
    milestone: Milestone | None = None
    reason: Reason | None = None
    kind: ScanKind = "movement"
    generic: bool = False  # a vaguer code: a specific code in another field of the same event wins
    by_leg: bool = False  # a hub, arrival or departure scan: the tracker's current leg places it


UNMAPPED = Mapping(status="unknown")


@dataclass(frozen=True)
class CanonicalScan:
    """One carrier event in our vocabulary, with the raw codes and text it came from."""

    scan_id: str
    carrier: Carrier
    carrier_number: str
    occurred_at: datetime  # UTC
    status: Status | None
    milestone: Milestone | None
    leg: Leg | None
    location: Location = Location()
    reason: Reason | None = None
    raw_codes: dict[str, str] = field(default_factory=dict)
    raw_text: str = ""
    kind: ScanKind = "movement"
    mapped_from: str | None = None
    delivery_estimate: date | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    shipment_id: str | None = None  # filled in by ingest once the number is resolved
    by_leg: bool = False  # the milestone is the origin side's; the tracker places it by its current leg
    local_time: str | None = None  # the carrier's printed local date and time (ISO, no zone), as sent
    time_zone: str | None = None  # the IANA zone or the offset the UTC time was derived with
    time_basis: TimeBasis | None = None
    approximate_time: bool = False  # the zone was guessed: shown as approximate on the timeline

    @property
    def unmapped(self) -> bool:
        return self.mapped_from is None

    def resolved(self, shipment_id: str) -> CanonicalScan:
        return dataclasses.replace(self, shipment_id=shipment_id)


def scan_id(carrier: str, number: str, code: str, occurred_at: datetime) -> str:
    """Stable over redeliveries and over both ways a carrier reports one event (push and query)."""
    key = "|".join((carrier, number, code, occurred_at.isoformat()))
    return hashlib.sha256(key.encode()).hexdigest()[:32]
