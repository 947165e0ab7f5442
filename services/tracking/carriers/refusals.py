"""What one parse hands back beside its scans: the items refused and why, and the carrier's own notes.

Every reason an item (a UPS activity, an SF route) can be refused for is in `RefusalReason`, one place, so a
new check (e.g. a date out of range) adds its reason here and the `/metrics` counter picks it up as a label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from services.tracking.domain.scan import CanonicalScan

RefusalReason = Literal[
    "missing_field",  # a required field is absent or blank
    "wrong_type",  # a field is not of the documented type (an object where text belongs...)
    "too_long",  # a field is longer than we carry
    "bad_time",  # a date or time that does not parse, or half of a GMT pair
    "no_time_zone",  # only a local time, and no location (nor earlier scan) of the package gives a zone
    "no_code",  # neither an activity code nor a status code
    "masked_number",  # a number with `*` in it: it can never resolve to a parcel
    "implausible_number",  # fails its carrier's format or check digit: no parcel of ours has it
    "time_out_of_range",  # dated before 1970 or after 2100: a placeholder, not a scan
]


@dataclass(frozen=True)
class Refusal:
    """One item left out of an otherwise accepted payload."""

    where: str  # the item's path in the payload, e.g. `shipment[0].package[0].activity[3]`
    reason: RefusalReason
    message: str


@dataclass(frozen=True)
class CarrierNote:
    """A code and message in the carrier's own words (UPS TV1002/TW0001, SF errorCode 8003...)."""

    code: str
    message: str


@dataclass
class Parsed:
    """One payload, parsed item by item."""

    scans: list[CanonicalScan] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    errors: list[CarrierNote] = field(default_factory=list)  # the carrier's error answer: nothing usable
    warnings: list[CarrierNote] = field(default_factory=list)  # beside data, or alone (not found)

    @property
    def usable(self) -> bool:
        """Whether the carrier's contract calls for a 2xx: something accepted, or a warning-only answer."""
        return bool(self.scans) or (not self.refusals and not self.errors)


def refusal_entries(refusals: list[Refusal]) -> list[dict[str, str]]:
    """The refusals as an answer lists them to the carrier."""
    return [{"index": r.where, "reason": r.reason, "message": r.message} for r in refusals]
