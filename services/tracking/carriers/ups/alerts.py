"""UPS Track Alert event messages -> canonical scans, message by message (pure).

A message: `{"trackingNumber", "activityStatus": {type, code, description}, "gmtActivityDate",
"gmtActivityTime", "localActivityDate", "localActivityTime", "activityLocation", "scheduledDeliveryDate"}`.
A message without GMT fields is placed in its location's zone, else in the zone of the same number's
nearest earlier message (a guess, flagged approximate).
"""

from __future__ import annotations

from services.tracking.carriers.mapping import NUMBER_LIMIT, MalformedPayload, text_field
from services.tracking.carriers.refusals import Parsed, Refusal
from services.tracking.carriers.ups import clock, scans
from services.tracking.domain.scan import CanonicalScan


def parse_alerts(messages: list[dict]) -> Parsed:
    """Every message as a canonical scan, the malformed ones refused."""
    parsed = Parsed()
    stamps: scans.Stamps = {}
    for i, message in enumerate(messages):
        try:
            stamp = clock.read_stamp(message, clock.TRACK_ALERT, f"[{i}]")
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(f"[{i}]", exc.reason, str(exc)))
            continue
        stamps[i] = (stamp, None)
    if any(stamp.at is None for stamp, _zone in stamps.values()):  # zones only when a message needs one
        stamps = {i: (stamp, scans.zone(scans.place(scans.as_object(messages[i].get("activityLocation")))))
                  for i, (stamp, _zone) in stamps.items()}
    by_number: dict[object, scans.Stamps] = {}
    for i, item in stamps.items():
        by_number.setdefault(messages[i].get("trackingNumber"), {})[i] = item
    for i, (stamp, own) in stamps.items():
        guess = None if stamp.at or own else scans.last_known(by_number[messages[i].get("trackingNumber")], i)
        try:
            when = clock.event_time(stamp, own, guess, f"[{i}]")
            parsed.scans.append(_alert(messages[i], when, f"[{i}]"))
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(f"[{i}]", exc.reason, str(exc)))
    return parsed


def _alert(message: dict, when: clock.EventTime, where: str) -> CanonicalScan:
    number = text_field(message, "trackingNumber", where, limit=NUMBER_LIMIT)
    scans.refuse_masked(number, where)
    status = message.get("activityStatus")
    if not isinstance(status, dict):
        raise MalformedPayload(f"{where}.activityStatus must be an object", "wrong_type")
    location = scans.place(scans.as_object(message.get("activityLocation")))
    scheduled = text_field(message, "scheduledDeliveryDate", where, required=False)
    estimate = clock.yyyymmdd(scheduled, f"{where}.scheduledDeliveryDate") if scheduled else None
    return scans.scan(number, status, when, location, f"{where}.activityStatus", estimate, message)
