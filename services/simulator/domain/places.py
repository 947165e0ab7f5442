"""Where scans happen: the gateways of the lane and the time zone of every US state the lane serves."""

from __future__ import annotations

import re
from dataclasses import dataclass

import zipcodes

CHINA_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    postal_code: str
    country: str  # ISO 3166 alpha-2
    zone: str  # IANA time zone
    chinese: str = ""  # the name SF prints in acceptAddress (SF writes Chinese even for places abroad)
    zone_known: bool = True  # False: the zone is a fallback (unknown state and ZIP), a receiver could not tell it

    @property
    def sf_address(self) -> str:
        return self.chinese or self.city


CHINA_GATEWAYS: dict[str, Place] = {
    "SZX": Place("Shenzhen", "Guangdong", "518128", "CN", CHINA_ZONE, "深圳宝安国际机场"),
    "CAN": Place("Guangzhou", "Guangdong", "510470", "CN", CHINA_ZONE, "广州白云国际机场"),
    "PVG": Place("Shanghai", "Shanghai", "201207", "CN", CHINA_ZONE, "上海浦东国际机场"),
    "HKG": Place("Hong Kong", "Hong Kong", "999077", "HK", "Asia/Hong_Kong", "香港国际机场"),
    "EHU": Place("Ezhou", "Hubei", "436000", "CN", CHINA_ZONE, "鄂州花湖机场"),
}
US_GATEWAYS: dict[str, Place] = {
    "LAX": Place("Los Angeles", "CA", "90045", "US", "America/Los_Angeles", "洛杉矶"),
    "ONT": Place("Ontario", "CA", "91761", "US", "America/Los_Angeles", "安大略"),
    "SEA": Place("Seattle", "WA", "98158", "US", "America/Los_Angeles", "西雅图"),
    "ANC": Place("Anchorage", "AK", "99502", "US", "America/Anchorage", "安克雷奇"),
    "ORD": Place("Chicago", "IL", "60666", "US", "America/Chicago", "芝加哥"),
    "DFW": Place("Dallas", "TX", "75261", "US", "America/Chicago", "达拉斯"),
    "ATL": Place("Atlanta", "GA", "30320", "US", "America/New_York", "亚特兰大"),
    "JFK": Place("Jamaica", "NY", "11430", "US", "America/New_York", "纽约"),
    "SJU": Place("Carolina", "PR", "00979", "US", "America/Puerto_Rico", "圣胡安"),
}
DEFAULT_CHINA_GATEWAY, DEFAULT_US_GATEWAY = "SZX", "LAX"

_ZONES: dict[str, tuple[str, ...]] = {
    "America/New_York": ("NY", "NJ", "CT", "MA", "PA", "RI", "VT", "NH", "ME", "DE", "MD", "DC", "GA", "FL",
                         "SC", "NC", "VA", "WV", "OH", "MI", "IN", "KY"),
    "America/Chicago": ("IL", "WI", "MN", "IA", "MO", "ND", "SD", "NE", "KS", "TX", "OK", "LA", "AR", "AL",
                        "MS", "TN"),
    "America/Denver": ("CO", "NM", "UT", "MT", "WY", "ID"),
    "America/Phoenix": ("AZ",),
    "America/Los_Angeles": ("CA", "NV", "WA", "OR"),
    "America/Anchorage": ("AK",),
    "Pacific/Honolulu": ("HI",),
    "America/Puerto_Rico": ("PR",),
}
US_ZONE_BY_STATE: dict[str, str] = {state: zone for zone, states in _ZONES.items() for state in states}
_CODE_IN_LABEL = re.compile(r"\(([A-Z]{3})\)\s*$")


def us_place(city: str, state: str, zip_code: str) -> Place:
    """A US address as a scan location: its ZIP's zone, else its state's (unknown: Eastern time, flagged)."""
    zone = _zip_zone(zip_code) or US_ZONE_BY_STATE.get(state)
    return Place(city, state, zip_code, "US", zone or "America/New_York", zone_known=zone is not None)


def _zip_zone(zip_code: str) -> str | None:
    """The zone the `zipcodes` dataset gives a 5-digit ZIP: a clerk's clock follows the ZIP, not the state."""
    digits = zip_code.strip()[:5]
    matches = zipcodes.matching(digits) if len(digits) == 5 and digits.isdigit() else []
    return (matches[0].get("timezone") or None) if matches else None


def gateway_code(label: str) -> str:
    """`SZX` for a leg end written `Shenzhen (SZX)` or `SZX`."""
    match = _CODE_IN_LABEL.search(label)
    return match.group(1) if match else label.strip().upper()


def china_gateway(label: str) -> Place:
    return CHINA_GATEWAYS.get(gateway_code(label), CHINA_GATEWAYS[DEFAULT_CHINA_GATEWAY])


def us_gateway(label: str) -> Place:
    return US_GATEWAYS.get(gateway_code(label), US_GATEWAYS[DEFAULT_US_GATEWAY])
