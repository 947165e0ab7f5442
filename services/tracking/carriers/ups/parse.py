"""UPS Track API v1 answers and Track Alert messages -> canonical scans, activity by activity (pure).

Accepted shapes:
- Track API: `{"trackResponse": {"shipment": [{"inquiryNumber", "warnings", "package": [{"trackingNumber",
  "activity": [...], "deliveryDate": [...], "packageAddress": [...]}]}]}}` — activities newest first.
  Documented arrays may come as a single object. A placeholder or masked `trackingNumber` gives way to the
  shipment's `inquiryNumber`. Warnings (TW0001, not found) are echoed, beside data or alone. The package's
  delivery date (RDD, else SDD) becomes one `eta_update` scan timed at its newest activity.
- Track API error answer: `{"response": {"errors": [{code, message}]}}` — nothing usable, the codes echoed.
- Track Alert: one event message or a list of them (see `alerts.py`).
A malformed activity or message is refused on its own (see `Parsed.refusals`); only a payload of none of
these shapes raises MalformedPayload. Times: see `clock.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.tracking.carriers.mapping import NUMBER_LIMIT, MalformedPayload, object_list, text_field
from services.tracking.carriers.refusals import CarrierNote, Parsed, Refusal
from services.tracking.carriers.ups import clock, scans
from services.tracking.carriers.ups.alerts import parse_alerts
from services.tracking.domain.scan import CanonicalScan
from services.tracking.domain.zones import ZoneGuess

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
    return parse_alerts(messages)


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
    found = []
    for k, (stamp, own) in stamps.items():
        spot = f"{where}.activity[{k}]"
        guess = None if stamp.at or own else scans.last_known(stamps, k) or _package_zone(package)
        try:
            when = clock.event_time(stamp, own, guess, spot)
            found.append(_activity(activities[k], number, when, spot))
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(spot, exc.reason, str(exc)))
    estimate = _estimate(package.get("deliveryDate"), where, parsed)
    if estimate and found:
        found.append(scans.eta_scan(number, estimate, max(s.occurred_at for s in found)))
    parsed.scans.extend(found)


def _stamps(activities: list[dict], where: str, parsed: Parsed) -> scans.Stamps:
    """Each well-timed activity's time fields and its location's zone (else its printed offset), by index.

    Zones are looked up only when some activity of the package has nothing but a local time.
    """
    read: dict[int, clock.Stamp] = {}
    for k, activity in enumerate(activities):
        try:
            read[k] = clock.read_stamp(activity, clock.TRACK_API, f"{where}.activity[{k}]")
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(f"{where}.activity[{k}]", exc.reason, str(exc)))
    if all(stamp.at is not None for stamp in read.values()):
        return {k: (stamp, None) for k, stamp in read.items()}
    return {k: (stamp, scans.zone(scans.place(_address(activities[k]))) or clock.offset_zone(stamp))
            for k, stamp in read.items()}


def _package_zone(package: dict) -> ZoneGuess | None:
    """The zone of the package's addresses (in their order), the guess of last resort."""
    addresses = package.get("packageAddress")
    entries = addresses if isinstance(addresses, list) else [addresses]
    places = [scans.place(scans.as_object(e.get("address"))) for e in entries if isinstance(e, dict)]
    return next((zone for place in places if (zone := scans.zone(place))), None)


def _activity(activity: dict, number: str, when: clock.EventTime, where: str) -> CanonicalScan:
    status = activity.get("status")
    if not isinstance(status, dict):
        raise MalformedPayload(f"{where}.status must be an object", "wrong_type")
    return scans.scan(number, status, when, scans.place(_address(activity)), f"{where}.status", None, activity)


def _number(package: dict, shipment: dict, where: str) -> str:
    """The package's number; the inquiry number when the package's is a placeholder, masked or absent."""
    number = text_field(package, "trackingNumber", where, required=False, limit=NUMBER_LIMIT)
    if not number or number.lower() in PLACEHOLDERS or "*" in number:
        number = text_field(shipment, "inquiryNumber", where.rsplit(".", 1)[0], required=False,
                            limit=NUMBER_LIMIT) or number
    if not number:
        raise MalformedPayload(f"{where}.trackingNumber is missing", "missing_field")
    scans.refuse_masked(number, where)
    return number


def _estimate(dates: Any, where: str, parsed: Parsed) -> tuple[str, date] | None:
    if not dates:
        return None
    try:
        entries = {d.get("type"): d.get("date")
                   for d in object_list({"d": dates}, "d", f"{where}.deliveryDate", single=True)}
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
    return scans.as_object(scans.as_object(activity.get("location")).get("address"))
