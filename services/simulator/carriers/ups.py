"""UPS Track Alert event messages and Track API v1 answers, with the Track Alert credential header.

Every activity carries the local date and time of where it happened and the same instant in GMT
(`gmtDate`/`gmtTime`, or `gmtActivityDate`/`gmtActivityTime`); the Track API adds the local `gmtOffset`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.simulator.domain.codes import UpsCode
from services.simulator.domain.places import Place
from services.simulator.domain.scenario import PlannedEvent

CREDENTIAL_HEADER = "credential"
SERVICE = {"code": "518", "description": "UPS Worldwide Expedited"}


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


def alert(event: PlannedEvent, number: str, carrier_at: datetime, scheduled: date | None = None) -> dict[str, Any]:
    """One Track Alert event message."""
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
    return message


def activity(event: PlannedEvent, carrier_at: datetime) -> dict[str, Any]:
    """One Track API `activity` entry."""
    when = local_time(carrier_at, event.place.zone)
    gmt_time = f"{when.gmt_time[:2]}:{when.gmt_time[2:4]}:{when.gmt_time[4:]}"
    return {
        "location": {"address": _address(event.place), "slic": _slic(event.place)},
        "status": _status(_code(event), event.text) | {"simplifiedTextDescription": event.text},
        "date": when.date, "time": when.time, "gmtOffset": when.offset, "gmtDate": when.gmt_date,
        "gmtTime": gmt_time,
    }


def track_response(packages: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A Track API answer: one shipment per number, its activities (already built) newest first."""
    return {"trackResponse": {"shipment": [_shipment(number, activities) for number, activities in packages.items()]}}


def credential_headers(credential: str) -> dict[str, str]:
    return {"Content-Type": "application/json", CREDENTIAL_HEADER: credential}


def _shipment(number: str, activities: list[dict[str, Any]]) -> dict[str, Any]:
    newest = sorted(activities, key=lambda a: (a["gmtDate"], a["gmtTime"]), reverse=True)
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
