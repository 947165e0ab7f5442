"""UPS Track API v1 answers and Track Alert messages -> canonical scans (pure).

Accepted shapes:
- Track API: `{"trackResponse": {"shipment": [{"package": [{"trackingNumber", "activity": [...],
  "deliveryDate": [...]}]}]}}` — activities newest first; times from `gmtDate`/`gmtTime`, else the local
  `date`/`time` with `gmtOffset`. A shipment with only warnings (TW0001, not found) yields nothing.
  The package's delivery date (RDD, else SDD) becomes one `eta_update` scan timed at its newest activity.
- Track Alert: one event message `{"trackingNumber", "activityStatus": {type, code, description},
  "gmtActivityDate", "gmtActivityTime", "activityLocation", "scheduledDeliveryDate", ...}`, or a list of them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from services.tracking.carriers.mapping import NUMBER_LIMIT, MalformedPayload, lookup, object_list, text_field
from services.tracking.carriers.ups.codes import TABLES
from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import CanonicalScan, Location, Mapping, scan_id

ESTIMATE_TYPES = ("RDD", "SDD")  # rescheduled before scheduled; DEL is the delivery itself
_OFFSET = re.compile(r"^([+-])(\d{1,2}):?(\d{2})?$")


def parse(payload: Any) -> list[CanonicalScan]:
    """Every activity of the payload as a canonical scan; raises MalformedPayload."""
    if isinstance(payload, dict) and "trackResponse" in payload:
        return _track_response(payload["trackResponse"])
    messages = payload if isinstance(payload, list) else [payload]
    if not messages or not all(isinstance(m, dict) and "trackingNumber" in m for m in messages):
        raise MalformedPayload("expected trackResponse (Track API) or Track Alert messages with trackingNumber")
    return [_alert(message, f"[{i}]") for i, message in enumerate(messages)]


def _track_response(response: Any) -> list[CanonicalScan]:
    scans: list[CanonicalScan] = []
    for i, shipment in enumerate(object_list(response, "shipment", "trackResponse")):
        packages = shipment.get("package", [])
        for j, package in enumerate(object_list({"package": packages}, "package", f"shipment[{i}]")):
            scans.extend(_package(package, f"shipment[{i}].package[{j}]"))
    return scans


def _package(package: dict, where: str) -> list[CanonicalScan]:
    number = text_field(package, "trackingNumber", where, limit=NUMBER_LIMIT)
    activities = [
        _activity(activity, number, f"{where}.activity[{k}]")
        for k, activity in enumerate(object_list({"activity": package.get("activity", [])}, "activity", where))
    ]
    estimate = _estimate(package.get("deliveryDate"), where)
    if estimate and activities:
        activities.append(_eta_scan(number, estimate, max(s.occurred_at for s in activities)))
    return activities


def _activity(activity: dict, number: str, where: str) -> CanonicalScan:
    status = activity.get("status")
    if not isinstance(status, dict):
        raise MalformedPayload(f"{where}.status must be an object")
    occurred_at = _gmt_time(activity, where)
    address = _object(_object(activity.get("location")).get("address"))
    location = Location(
        city=_optional(address, "city"), region=_optional(address, "stateProvince"),
        country=_optional(address, "countryCode") or _optional(address, "country"),
        postal_code=_optional(address, "postalCode"),
    )
    return _scan(number, status, occurred_at, location, f"{where}.status", None, activity)


def _alert(message: dict, where: str) -> CanonicalScan:
    number = text_field(message, "trackingNumber", where, limit=NUMBER_LIMIT)
    status = message.get("activityStatus")
    if not isinstance(status, dict):
        raise MalformedPayload(f"{where}.activityStatus must be an object")
    occurred_at = _alert_time(message, where)
    place = _object(message.get("activityLocation"))
    location = Location(
        city=_optional(place, "city"), region=_optional(place, "stateProvince"),
        country=_optional(place, "countryCode") or _optional(place, "country"),
        postal_code=_optional(place, "postalCode"),
    )
    scheduled = text_field(message, "scheduledDeliveryDate", where, required=False)
    estimate = _yyyymmdd(scheduled, f"{where}.scheduledDeliveryDate") if scheduled else None
    return _scan(number, status, occurred_at, location, f"{where}.activityStatus", estimate, message)


def _scan(number: str, status: dict, occurred_at: datetime, location: Location, where: str,
          estimate: date | None, raw: dict) -> CanonicalScan:
    kind = text_field(status, "type", where, required=False, limit=4)
    code = text_field(status, "code", where, required=False, limit=4)
    codes = {"type": kind, "code": code, "statusCode": text_field(status, "statusCode", where, required=False,
                                                                   limit=4)}
    codes = {k: v for k, v in codes.items() if v}
    if not codes.get("code") and not codes.get("statusCode") and kind != "U":
        raise MalformedPayload(f"{where} has neither code nor statusCode")
    meaning, mapped_from = lookup({**codes, "type:code": f"{kind}:{code}"}, TABLES)
    event_code = f"{kind}:{code}" if code else f"statusCode:{codes.get('statusCode', kind)}"
    return _canonical(number, event_code, occurred_at, meaning, mapped_from, codes, location,
                      text_field(status, "description", where, required=False), estimate, raw)


def _eta_scan(number: str, estimate: tuple[str, date], at: datetime) -> CanonicalScan:
    kind, day = estimate
    meaning = Mapping(None, kind="eta_update")
    return _canonical(number, f"deliveryDate:{kind}:{day.isoformat()}", at, meaning, "deliveryDate",
                      {"deliveryDate": kind}, Location(), "", day, {"deliveryDate": {"type": kind, "date": str(day)}})


def _canonical(number: str, event_code: str, at: datetime, meaning: Mapping, mapped_from: str | None,
               codes: dict[str, str], location: Location, text: str, estimate: date | None,
               raw: dict) -> CanonicalScan:
    return CanonicalScan(
        scan_id=scan_id("ups", number, event_code, at), carrier="ups", carrier_number=number, occurred_at=at,
        status=meaning.status, milestone=meaning.milestone,
        leg=LEG_OF[meaning.milestone] if meaning.milestone else None, reason=meaning.reason, location=location,
        raw_codes=codes, raw_text=text, kind=meaning.kind, mapped_from=mapped_from, delivery_estimate=estimate,
        raw=raw,
    )


def _estimate(dates: Any, where: str) -> tuple[str, date] | None:
    if not dates:
        return None
    entries = {d.get("type"): d.get("date") for d in object_list({"d": dates}, "d", f"{where}.deliveryDate")}
    for kind in ESTIMATE_TYPES:
        if entries.get(kind):
            return kind, _yyyymmdd(str(entries[kind]), f"{where}.deliveryDate.{kind}")
    return None


def _gmt_time(activity: dict, where: str) -> datetime:
    """GMT fields when present (they order events across time zones), else local time plus gmtOffset."""
    if activity.get("gmtDate") and activity.get("gmtTime"):
        return _combine(str(activity["gmtDate"]), str(activity["gmtTime"]), UTC, where)
    if activity.get("date") and activity.get("time") and activity.get("gmtOffset"):
        zone = _offset(str(activity["gmtOffset"]), where)
        return _combine(str(activity["date"]), str(activity["time"]), zone, where)
    raise MalformedPayload(f"{where} needs gmtDate and gmtTime (or date, time and gmtOffset)")


def _alert_time(message: dict, where: str) -> datetime:
    if message.get("gmtActivityDate") and message.get("gmtActivityTime"):
        return _combine(str(message["gmtActivityDate"]), str(message["gmtActivityTime"]), UTC, where)
    raise MalformedPayload(f"{where} needs gmtActivityDate and gmtActivityTime")


def _combine(day: str, time: str, zone: timezone, where: str) -> datetime:
    clock = time.replace(":", "")
    if len(clock) != 6 or not clock.isdigit():
        raise MalformedPayload(f"{where}: time {time!r} is not HHMMSS")
    moment = datetime.combine(_yyyymmdd(day, where), datetime.min.time(), zone)
    try:
        moment = moment.replace(hour=int(clock[:2]), minute=int(clock[2:4]), second=int(clock[4:]))
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # overflow: e.g. 0001-01-01 at +08:00 is before the first UTC instant
        raise MalformedPayload(f"{where}: time {time!r} is out of range") from exc


def _yyyymmdd(value: str, where: str) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError as exc:
        raise MalformedPayload(f"{where}: date {value!r} is not YYYYMMDD") from exc


def _offset(value: str, where: str) -> timezone:
    match = _OFFSET.match(value)
    if not match:
        raise MalformedPayload(f"{where}.gmtOffset {value!r} is not ±HH:MM")
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)


def _object(value: Any) -> dict:
    """An optional object field; any other shape counts as absent, like an optional field of another type."""
    return value if isinstance(value, dict) else {}


def _optional(container: dict, name: str) -> str | None:
    value = container.get(name)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()[:100] or None
