"""UPS Track API v1 answers and Track Alert messages -> canonical scans, activity by activity (pure).

Accepted shapes:
- Track API: `{"trackResponse": {"shipment": [{"inquiryNumber", "warnings", "package": [{"trackingNumber",
  "activity": [...], "deliveryDate": [...]}]}]}}` — activities newest first. Documented arrays may come as a
  single object. A placeholder or masked `trackingNumber` gives way to the shipment's `inquiryNumber`.
  Warnings (TW0001, not found) are echoed, beside data or alone. The package's delivery date (RDD, else SDD)
  becomes one `eta_update` scan timed at its newest activity.
- Track API error answer: `{"response": {"errors": [{code, message}]}}` — nothing usable, the codes echoed.
- Track Alert: one event message `{"trackingNumber", "activityStatus": {type, code, description},
  "gmtActivityDate", "gmtActivityTime", "localActivityDate", "localActivityTime", "activityLocation",
  "scheduledDeliveryDate", ...}`, or a list of them.
A malformed activity or message is refused on its own (see `Parsed.refusals`); only a payload of none of
these shapes raises MalformedPayload.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.tracking.carriers.mapping import NUMBER_LIMIT, MalformedPayload, object_list, text_field
from services.tracking.carriers.refusals import CarrierNote, Parsed, Refusal
from services.tracking.carriers.ups import clock
from services.tracking.carriers.ups.codes import classify
from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import CanonicalScan, Location, Mapping, scan_id
from services.tracking.domain.zones import ZoneGuess, zone_of

ESTIMATE_TYPES = ("RDD", "SDD")  # rescheduled before scheduled; DEL is the delivery itself
PLACEHOLDERS = frozenset({"string", "null", "none"})  # what documentation samples put in a number field


def parse(payload: Any) -> Parsed:
    """Every activity of the payload as a canonical scan, the malformed ones refused; raises MalformedPayload."""
    if isinstance(payload, dict) and "trackResponse" in payload:
        return _track_response(payload["trackResponse"])
    if isinstance(payload, dict) and isinstance(payload.get("response"), dict) and "errors" in payload["response"]:
        return Parsed(errors=_notes(payload["response"], "errors"))
    messages = payload if isinstance(payload, list) else [payload]
    if not messages or not all(isinstance(m, dict) and "trackingNumber" in m for m in messages):
        raise MalformedPayload("expected trackResponse (Track API), response.errors, or Track Alert messages "
                               "with trackingNumber")
    return _alerts(messages)


def _track_response(response: Any) -> Parsed:
    parsed = Parsed()
    for i, shipment in enumerate(object_list(response, "shipment", "trackResponse", single=True)):
        parsed.warnings.extend(_notes(shipment, "warnings"))
        if shipment.get("package") is None:
            continue  # a warning-only shipment: not found, or no data yet
        for j, package in enumerate(object_list(shipment, "package", f"shipment[{i}]", single=True)):
            _package(package, shipment, f"shipment[{i}].package[{j}]", parsed)
    return parsed


def _package(package: dict, shipment: dict, where: str, parsed: Parsed) -> None:
    try:
        number = _number(package, shipment, where)
        activities = object_list(package, "activity", where, single=True) if "activity" in package else []
    except MalformedPayload as exc:
        parsed.refusals.append(Refusal(where, exc.reason, str(exc)))
        return
    stamps = _stamps(activities, where, parsed)
    fallback = _package_zone(package)
    scans = []
    for k, (stamp, own) in stamps.items():
        spot = f"{where}.activity[{k}]"
        try:
            when = clock.event_time(stamp, own, _last_known(stamps, k) or fallback, spot)
            scans.append(_activity(activities[k], number, when, spot))
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(spot, exc.reason, str(exc)))
    estimate = _estimate(package.get("deliveryDate"), where, parsed)
    if estimate and scans:
        scans.append(_eta_scan(number, estimate, max(s.occurred_at for s in scans)))
    parsed.scans.extend(scans)


def _stamps(activities: list[dict], where: str, parsed: Parsed) -> dict[int, tuple[clock.Stamp, ZoneGuess | None]]:
    """Each well-timed activity's stamp and its location's zone, by index; the others refused."""
    stamps = {}
    for k, activity in enumerate(activities):
        try:
            stamp = clock.read_stamp(activity, clock.TRACK_API, f"{where}.activity[{k}]")
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(f"{where}.activity[{k}]", exc.reason, str(exc)))
            continue
        stamps[k] = (stamp, _zone(_location(_address(activity))) or clock.offset_zone(stamp))
    return stamps


def _last_known(stamps: dict[int, tuple[clock.Stamp, ZoneGuess | None]], k: int) -> ZoneGuess | None:
    """The zone of the nearest older activity that has one (activities come newest first), else a newer one."""
    older = [stamps[j][1] for j in sorted(stamps) if j > k]
    newer = [stamps[j][1] for j in sorted(stamps, reverse=True) if j < k]
    return next((zone for zone in older + newer if zone), None)


def _package_zone(package: dict) -> ZoneGuess | None:
    """The zone of the package's addresses (ship-to first), the guess of last resort."""
    addresses = package.get("packageAddress")
    entries = addresses if isinstance(addresses, list) else [addresses]
    places = [_location(_object(e.get("address"))) for e in entries if isinstance(e, dict)]
    return next((zone for place in places if (zone := _zone(place))), None)


def _activity(activity: dict, number: str, when: clock.EventTime, where: str) -> CanonicalScan:
    status = activity.get("status")
    if not isinstance(status, dict):
        raise MalformedPayload(f"{where}.status must be an object", "wrong_type")
    return _scan(number, status, when, _location(_address(activity)), f"{where}.status", None, activity)


def _alerts(messages: list[dict]) -> Parsed:
    parsed = Parsed()
    stamps: dict[int, tuple[clock.Stamp, ZoneGuess | None]] = {}
    for i, message in enumerate(messages):
        try:
            stamp = clock.read_stamp(message, clock.TRACK_ALERT, f"[{i}]")
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(f"[{i}]", exc.reason, str(exc)))
            continue
        stamps[i] = (stamp, _zone(_location(_object(message.get("activityLocation")))))
    for i, (stamp, own) in stamps.items():
        same = {j: s for j, s in stamps.items() if messages[j].get("trackingNumber") == messages[i]["trackingNumber"]}
        try:
            parsed.scans.append(_alert(messages[i], clock.event_time(stamp, own, _last_known(same, i), f"[{i}]"),
                                       f"[{i}]"))
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(f"[{i}]", exc.reason, str(exc)))
    return parsed


def _alert(message: dict, when: clock.EventTime, where: str) -> CanonicalScan:
    number = text_field(message, "trackingNumber", where, limit=NUMBER_LIMIT)
    _refuse_masked(number, where)
    status = message.get("activityStatus")
    if not isinstance(status, dict):
        raise MalformedPayload(f"{where}.activityStatus must be an object", "wrong_type")
    location = _location(_object(message.get("activityLocation")))
    scheduled = text_field(message, "scheduledDeliveryDate", where, required=False)
    estimate = clock.yyyymmdd(scheduled, f"{where}.scheduledDeliveryDate") if scheduled else None
    return _scan(number, status, when, location, f"{where}.activityStatus", estimate, message)


def _scan(number: str, status: dict, when: clock.EventTime, location: Location, where: str,
          estimate: date | None, raw: dict) -> CanonicalScan:
    kind = text_field(status, "type", where, required=False, limit=4)
    code = text_field(status, "code", where, required=False, limit=4)
    codes = {"type": kind, "code": code, "statusCode": text_field(status, "statusCode", where, required=False,
                                                                   limit=4)}
    codes = {k: v for k, v in codes.items() if v}
    if not codes.get("code") and not codes.get("statusCode") and kind != "U":
        raise MalformedPayload(f"{where} has neither code nor statusCode", "no_code")
    meaning, mapped_from = classify(kind, code, codes.get("statusCode", ""))
    event_code = f"{kind}:{code}" if code else f"statusCode:{codes.get('statusCode', kind)}"
    scan = _canonical(number, event_code, when, meaning, mapped_from, codes, location,
                      text_field(status, "description", where, required=False), estimate, raw)
    return scan


def _eta_scan(number: str, estimate: tuple[str, date], at: datetime) -> CanonicalScan:
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


def _number(package: dict, shipment: dict, where: str) -> str:
    """The package's number; the inquiry number when the package's is a placeholder, masked or absent."""
    number = text_field(package, "trackingNumber", where, required=False, limit=NUMBER_LIMIT)
    if not number or number.lower() in PLACEHOLDERS or "*" in number:
        number = text_field(shipment, "inquiryNumber", where.rsplit(".", 1)[0], required=False,
                            limit=NUMBER_LIMIT) or number
    if not number:
        raise MalformedPayload(f"{where}.trackingNumber is missing", "missing_field")
    _refuse_masked(number, where)
    return number


def _refuse_masked(number: str, where: str) -> None:
    if "*" in number:
        raise MalformedPayload(f"{where}: number {number!r} is masked", "masked_number")


def _estimate(dates: Any, where: str, parsed: Parsed) -> tuple[str, date] | None:
    if not dates:
        return None
    try:
        entries = {d.get("type"): d.get("date") for d in object_list({"d": dates}, "d", f"{where}.deliveryDate",
                                                                     single=True)}
        for kind in ESTIMATE_TYPES:
            if entries.get(kind):
                return kind, clock.yyyymmdd(str(entries[kind]), f"{where}.deliveryDate.{kind}")
    except MalformedPayload as exc:
        parsed.refusals.append(Refusal(f"{where}.deliveryDate", exc.reason, str(exc)))
    return None


def _notes(container: dict, name: str) -> list[CarrierNote]:
    """UPS's `warnings` or `errors` (a list, or one object) as code and message."""
    value = container.get(name)
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [CarrierNote(str(item.get("code", ""))[:20], str(item.get("message", ""))[:300])
            for item in items if isinstance(item, dict)]


def _address(activity: dict) -> dict:
    return _object(_object(activity.get("location")).get("address"))


def _location(place: dict) -> Location:
    return Location(
        city=_optional(place, "city"), region=_optional(place, "stateProvince"),
        country=_optional(place, "countryCode") or _optional(place, "country"),
        postal_code=_optional(place, "postalCode"),
    )


def _zone(location: Location) -> ZoneGuess | None:
    return zone_of(location.country, location.region, location.postal_code)


def _object(value: Any) -> dict:
    """An optional object field; any other shape counts as absent, like an optional field of another type."""
    return value if isinstance(value, dict) else {}


def _optional(container: dict, name: str) -> str | None:
    value = container.get(name)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()[:100] or None
