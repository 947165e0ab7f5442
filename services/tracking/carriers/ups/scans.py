"""What the Track API and Track Alert shapes share: one UPS status and place -> a canonical scan (pure)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.tracking.carriers.mapping import MalformedPayload, text_field
from services.tracking.carriers.ups import clock
from services.tracking.carriers.ups.codes import classify
from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import CanonicalScan, Location, Mapping, scan_id
from services.tracking.domain.zones import ZoneGuess, zone_of

Stamps = dict[int, tuple[clock.Stamp, ZoneGuess | None]]  # item index -> its time fields and its place's zone


def scan(number: str, status: dict, when: clock.EventTime, location: Location, where: str,
         estimate: date | None, raw: dict) -> CanonicalScan:
    """One activity's status as a canonical scan; raises MalformedPayload (no code, a code too long)."""
    kind = text_field(status, "type", where, required=False, limit=4)
    code = text_field(status, "code", where, required=False, limit=4)
    codes = {"type": kind, "code": code, "statusCode": text_field(status, "statusCode", where, required=False,
                                                                   limit=4)}
    codes = {k: v for k, v in codes.items() if v}
    if not codes.get("code") and not codes.get("statusCode") and kind != "U":
        raise MalformedPayload(f"{where} has neither code nor statusCode", "no_code")
    meaning, mapped_from = classify(kind, code, codes.get("statusCode", ""))
    event_code = f"{kind}:{code}" if code else f"statusCode:{codes.get('statusCode', kind)}"
    return _canonical(number, event_code, when, meaning, mapped_from, codes, location,
                      text_field(status, "description", where, required=False), estimate, raw)


def eta_scan(number: str, estimate: tuple[str, date], at: datetime) -> CanonicalScan:
    """The package's delivery date as an ETA-only scan, timed at its newest activity."""
    kind, day = estimate
    when = clock.EventTime(at, None, None, "gmt")
    return _canonical(number, f"deliveryDate:{kind}:{day.isoformat()}", when, Mapping(None, kind="eta_update"),
                      "deliveryDate", {"deliveryDate": kind}, Location(), "", day,
                      {"deliveryDate": {"type": kind, "date": str(day)}})


def _canonical(number: str, event_code: str, when: clock.EventTime, meaning: Mapping, mapped_from: str | None,
               codes: dict[str, str], location: Location, text: str, estimate: date | None,
               raw: dict) -> CanonicalScan:
    return CanonicalScan(
        scan_id=scan_id("ups", number, event_code, when.at), carrier="ups", carrier_number=number,
        occurred_at=when.at, status=meaning.status, milestone=meaning.milestone,
        leg=LEG_OF[meaning.milestone] if meaning.milestone else None, reason=meaning.reason, location=location,
        raw_codes=codes, raw_text=text, kind=meaning.kind, mapped_from=mapped_from, delivery_estimate=estimate,
        raw=raw, by_leg=meaning.by_leg, local_time=when.local, time_zone=when.zone, time_basis=when.basis,
        approximate_time=when.approximate,
    )


def last_known(stamps: Stamps, k: int) -> ZoneGuess | None:
    """The zone of the latest other item printed before item `k` that has one, else of the first after it."""
    def moment(j: int) -> datetime:
        stamp = stamps[j][0]
        return stamp.local or (stamp.at.replace(tzinfo=None) if stamp.at else datetime.min)

    zoned = sorted((j for j in stamps if j != k and stamps[j][1]), key=moment)
    before = [j for j in zoned if moment(j) <= moment(k)]
    after = [j for j in zoned if moment(j) > moment(k)]
    pick = before[-1] if before else after[0] if after else None
    return stamps[pick][1] if pick is not None else None


def refuse_masked(number: str, where: str) -> None:
    if "*" in number:
        raise MalformedPayload(f"{where}: number {number!r} is masked", "masked_number")


def place(fields: dict) -> Location:
    """A UPS address object (`city`, `stateProvince`, `postalCode`, `countryCode` or `country`)."""
    return Location(
        city=_optional(fields, "city"), region=_optional(fields, "stateProvince"),
        country=_optional(fields, "countryCode") or _optional(fields, "country"),
        postal_code=_optional(fields, "postalCode"),
    )


def zone(location: Location) -> ZoneGuess | None:
    return zone_of(location.country, location.region, location.postal_code)


def as_object(value: Any) -> dict:
    """An optional object field; any other shape counts as absent, like an optional field of another type."""
    return value if isinstance(value, dict) else {}


def _optional(container: dict, name: str) -> str | None:
    value = container.get(name)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()[:100] or None
