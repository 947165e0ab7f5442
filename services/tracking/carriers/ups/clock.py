"""When a UPS activity happened, in UTC, and how we know (carriers.md §2: GMT fields are often absent).

In order: the GMT date and time; the local date and time with `gmtOffset`; the local date and time in the
zone of the activity's location; the local date and time in the package's last known zone (a guess,
flagged approximate). Half a GMT pair is a malformed activity, never a reason to guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from services.tracking.carriers.mapping import MalformedPayload
from services.tracking.domain.scan import TimeBasis
from services.tracking.domain.zones import ZoneGuess

_OFFSET_SIGNS = {"+": 1, "-": -1}


@dataclass(frozen=True)
class Fields:
    """Where one shape (Track API activity, Track Alert message) keeps its time."""

    gmt_date: str
    gmt_time: str
    local_date: str
    local_time: str
    offset: str | None


TRACK_API = Fields("gmtDate", "gmtTime", "date", "time", "gmtOffset")
TRACK_ALERT = Fields("gmtActivityDate", "gmtActivityTime", "localActivityDate", "localActivityTime", None)


@dataclass(frozen=True)
class Stamp:
    """What one activity says of its time: a UTC instant, or only a local one still to be placed."""

    local: datetime | None  # naive: the carrier's printed local date and time
    at: datetime | None = None  # UTC, when the activity's own fields fix it
    basis: TimeBasis | None = None
    offset: str | None = None  # `gmtOffset` as sent


@dataclass(frozen=True)
class EventTime:
    at: datetime  # UTC
    local: str | None
    zone: str | None
    basis: TimeBasis
    approximate: bool = False


def read_stamp(item: dict, fields: Fields, where: str) -> Stamp:
    """The time fields of one activity; raises MalformedPayload (reason bad_time or missing_field)."""
    gmt = [_text(item, fields.gmt_date), _text(item, fields.gmt_time)]
    local_day, local_clock = _text(item, fields.local_date), _text(item, fields.local_time)
    local = _combine(local_day, local_clock, where) if local_day and local_clock else None
    offset = _text(item, fields.offset) if fields.offset else ""
    if all(gmt):
        return Stamp(local, _utc(_combine(gmt[0], gmt[1], where), UTC, where), "gmt", offset or None)
    if any(gmt):
        raise MalformedPayload(f"{where} needs both {fields.gmt_date} and {fields.gmt_time}, or neither", "bad_time")
    if local is None:
        raise MalformedPayload(f"{where} needs {fields.gmt_date} and {fields.gmt_time}, or "
                               f"{fields.local_date} and {fields.local_time}", "missing_field")
    if offset:
        return Stamp(local, _utc(local, _offset(offset, where), where), "offset", offset)
    return Stamp(local)


def offset_zone(stamp: Stamp) -> ZoneGuess | None:
    """The fixed offset an activity printed, as the zone later activities may fall back to."""
    return ZoneGuess(stamp.offset, exact=True) if stamp.offset else None


def event_time(stamp: Stamp, own: ZoneGuess | None, last_known: ZoneGuess | None, where: str) -> EventTime:
    """The UTC time of one activity: its own fields, else its location's zone, else the last known zone."""
    local = stamp.local.isoformat() if stamp.local else None
    if stamp.at is not None and stamp.basis is not None:
        zone = stamp.offset or (own.zone if own else None)
        return EventTime(stamp.at, local, zone, stamp.basis)
    if stamp.local is None:
        raise MalformedPayload(f"{where} has no time", "missing_field")
    if own is not None:
        return EventTime(_utc(stamp.local, _zone(own.zone), where), local, own.zone, "location", not own.exact)
    if last_known is not None:
        return EventTime(_utc(stamp.local, _zone(last_known.zone), where), local, last_known.zone, "last_known",
                         True)
    raise MalformedPayload(f"{where} has only a local time, and nothing in the package gives its zone",
                           "no_time_zone")


def yyyymmdd(value: str, where: str) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError as exc:
        raise MalformedPayload(f"{where}: date {value!r} is not YYYYMMDD", "bad_time") from exc


def _combine(day: str, time: str, where: str) -> datetime:
    clock = time.replace(":", "")
    if len(clock) == 5 and ":" not in time:
        clock = f"0{clock}"  # UPS's own Track API reference prints gmtTime '74700' for 07:47:00
    if len(clock) != 6 or not clock.isdigit():
        raise MalformedPayload(f"{where}: time {time!r} is not HHMMSS", "bad_time")
    midnight = datetime.combine(yyyymmdd(day, where), datetime.min.time())
    try:
        return midnight.replace(
            hour=int(clock[:2]), minute=int(clock[2:4]), second=int(clock[4:]))
    except ValueError as exc:
        raise MalformedPayload(f"{where}: time {time!r} is out of range", "bad_time") from exc


def _utc(local: datetime, zone: tzinfo, where: str) -> datetime:
    try:
        return local.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # overflow: e.g. 0001-01-01 at +08:00 is before the first UTC instant
        raise MalformedPayload(f"{where}: {local.isoformat()} is out of range", "bad_time") from exc


def _zone(name: str) -> tzinfo:
    """An IANA zone, or a fixed offset an earlier activity printed (`-05:00`)."""
    return ZoneInfo(name) if name[:1] not in _OFFSET_SIGNS else _offset(name, "gmtOffset")


def _offset(value: str, where: str) -> timezone:
    sign, digits = value[:1], value[1:].replace(":", "")
    if sign not in _OFFSET_SIGNS or not digits.isdigit() or len(digits) not in (1, 2, 4):
        raise MalformedPayload(f"{where}.gmtOffset {value!r} is not ±HH:MM", "bad_time")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:2]), int(digits[2:]))
    try:
        return timezone(_OFFSET_SIGNS[sign] * timedelta(hours=hours, minutes=minutes))
    except ValueError as exc:  # beyond ±24 h
        raise MalformedPayload(f"{where}.gmtOffset {value!r} is out of range", "bad_time") from exc


def _text(item: dict, name: str | None) -> str:
    value = item.get(name) if name else None
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
