"""UPS Track Alert event messages and Track API v1 answers, with the Track Alert credential header.

Every activity carries the local date and time of where it happened and its location. Most also carry the
same instant in GMT (`gmtDate`/`gmtTime`, or `gmtActivityDate`/`gmtActivityTime`) and the Track API's local
`gmtOffset`; as in real answers, some do not (`without_gmt`): the receiver must place the local time in the
location's zone.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.simulator.domain.codes import UpsCode
from services.simulator.domain.places import Place
from services.simulator.domain.scenario import PlannedEvent

CREDENTIAL_HEADER = "credential"
SERVICE = {"code": "518", "description": "UPS Worldwide Expedited"}
GMT_LEFT_OUT_ONE_IN = 3  # about a third of the activities come with only their local time


@dataclass(frozen=True)
class LocalTime:
    date: str  # YYYYMMDD
    time: str  # HHMMSS
    offset: str  # ±HH:MM
    gmt_date: str
    gmt_time: str  # HHMMSS


def local_time(carrier_at: datetime, zone: str) -> LocalTime:
    """The instant as a UPS clerk at `zone` prints it, and in GMT."""
    local = carrier_at.astimezone(ZoneInfo(zone))
    gmt = carrier_at.astimezone(UTC)
    offset = local.strftime("%z")
    return LocalTime(local.strftime("%Y%m%d"), local.strftime("%H%M%S"), f"{offset[:3]}:{offset[3:]}",
                     gmt.strftime("%Y%m%d"), gmt.strftime("%H%M%S"))


def without_gmt(number: str, event: PlannedEvent, carrier_at: datetime) -> bool:
    """Whether this activity leaves its GMT fields out: a stable choice per event, so a resend matches."""
    if not event.place.zone_known:
        return False  # the receiver could only guess the zone: keep such places exact
    key = f"{number}|{event.step.name}|{carrier_at.isoformat()}".encode()
    return zlib.crc32(key) % GMT_LEFT_OUT_ONE_IN == 0


def alert(event: PlannedEvent, number: str, carrier_at: datetime, scheduled: date | None = None,
          gmt: bool = True) -> dict[str, Any]:
    """One Track Alert event message (`gmt=False`: only the local date and time)."""
    code = _code(event)
    when = local_time(carrier_at, event.place.zone)
    message: dict[str, Any] = {
        "trackingNumber": number,
        "localActivityDate": when.date, "localActivityTime": when.time,
        "gmtActivityDate": when.gmt_date, "gmtActivityTime": when.gmt_time,
        "activityLocation": _alert_location(event.place),
        "activityStatus": _status(code, event.text),
        "scheduledDeliveryDate": scheduled.strftime("%Y%m%d") if scheduled else "",
        "actualDeliveryDate": "", "actualDeliveryTime": "",
    }
    if code.type == "D":
        message |= {"actualDeliveryDate": when.date, "actualDeliveryTime": when.time}
    if not gmt:
        del message["gmtActivityDate"], message["gmtActivityTime"]
    return message


def activity(event: PlannedEvent, carrier_at: datetime, gmt: bool = True) -> dict[str, Any]:
    """One Track API `activity` entry (`gmt=False`: no gmtDate, gmtTime nor gmtOffset)."""
    when = local_time(carrier_at, event.place.zone)
    gmt_time = f"{when.gmt_time[:2]}:{when.gmt_time[2:4]}:{when.gmt_time[4:]}"
    entry = {
        "location": {"address": _address(event.place), "slic": _slic(event.place)},
        "status": _status(_code(event), event.text) | {"simplifiedTextDescription": event.text},
        "date": when.date, "time": when.time,
    }
    return entry | ({"gmtOffset": when.offset, "gmtDate": when.gmt_date, "gmtTime": gmt_time} if gmt else {})


def track_response(packages: dict[str, list[tuple[datetime, dict[str, Any]]]]) -> dict[str, Any]:
    """A Track API answer: one shipment per number, its (instant, activity) pairs put newest first."""
    return {"trackResponse": {"shipment": [_shipment(number, activities) for number, activities in packages.items()]}}


def credential_headers(credential: str) -> dict[str, str]:
    return {"Content-Type": "application/json", CREDENTIAL_HEADER: credential}


def _shipment(number: str, activities: list[tuple[datetime, dict[str, Any]]]) -> dict[str, Any]:
    newest = [entry for _at, entry in sorted(activities, key=lambda pair: pair[0], reverse=True)]
    status = newest[0]["status"] if newest else {}
    package = {
        "trackingNumber": number, "service": SERVICE,
        "currentStatus": {k: v for k, v in status.items() if k != "simplifiedTextDescription"},
        "activity": newest,
    }
    return {"inquiryNumber": number, "package": [package]}


def _code(event: PlannedEvent) -> UpsCode:
    if not isinstance(event.step.code, UpsCode):
        raise TypeError(f"{event.step.name} is not a UPS event")
    return event.step.code


def _status(code: UpsCode, text: str) -> dict[str, str]:
    status = {"type": code.type, "code": code.code, "description": text}
    return status | ({"statusCode": code.status_code} if code.status_code else {})


def _alert_location(place: Place) -> dict[str, str]:
    return {"city": place.city, "stateProvince": place.region, "postalCode": place.postal_code,
            "country": place.country}


def _address(place: Place) -> dict[str, str]:
    return {"city": place.city, "stateProvince": place.region, "postalCode": place.postal_code,
            "country": place.country, "countryCode": place.country}


def _slic(place: Place) -> str:
    return (place.postal_code[:4] or "0000").ljust(4, "0")
