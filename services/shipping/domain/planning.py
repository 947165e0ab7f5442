"""The leg plan of a China -> US parcel: gateways, planned times and the promised delivery date.

Durations are planning figures (hours), not carrier commitments; the tracking service reports reality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.shipping.domain.model import Order, Party, PlannedLeg
from shared.events.schemas.vocabulary import EntryType, ServiceLevel


@dataclass(frozen=True)
class Gateway:
    code: str
    city: str

    @property
    def label(self) -> str:
        return f"{self.city} ({self.code})"


SHENZHEN = Gateway("SZX", "Shenzhen")
GUANGZHOU = Gateway("CAN", "Guangzhou")
SHANGHAI = Gateway("PVG", "Shanghai")
HONG_KONG = Gateway("HKG", "Hong Kong")
EZHOU = Gateway("EHU", "Ezhou")  # SF's own air hub: the default for central, northern and western China

# Export gateway by sender city first (the Pearl River Delta splits between three airports), then province.
ORIGIN_BY_CITY: dict[str, Gateway] = {
    "shenzhen": SHENZHEN, "dongguan": SHENZHEN, "huizhou": SHENZHEN,
    "guangzhou": GUANGZHOU, "foshan": GUANGZHOU, "zhongshan": GUANGZHOU, "zhaoqing": GUANGZHOU,
    "zhuhai": HONG_KONG, "jiangmen": HONG_KONG, "hong kong": HONG_KONG,
}
ORIGIN_BY_PROVINCE: dict[str, Gateway] = {
    "guangdong": SHENZHEN, "guangxi": GUANGZHOU, "hainan": GUANGZHOU, "fujian": SHENZHEN,
    "shanghai": SHANGHAI, "jiangsu": SHANGHAI, "zhejiang": SHANGHAI, "anhui": SHANGHAI, "shandong": SHANGHAI,
    "hong kong": HONG_KONG, "macau": HONG_KONG,
}
_CHINESE_NAMES = {
    "深圳": "shenzhen", "东莞": "dongguan", "惠州": "huizhou", "广州": "guangzhou", "佛山": "foshan",
    "中山": "zhongshan", "肇庆": "zhaoqing", "珠海": "zhuhai", "江门": "jiangmen", "香港": "hong kong",
    "广东": "guangdong", "广西": "guangxi", "海南": "hainan", "福建": "fujian", "上海": "shanghai",
    "江苏": "jiangsu", "浙江": "zhejiang", "安徽": "anhui", "山东": "shandong", "澳门": "macau",
}

US_GATEWAYS: dict[str, tuple[str, ...]] = {
    "LAX": ("CA", "HI", "AZ", "NV"),
    "ONT": ("UT", "CO", "NM", "ID", "MT", "WY"),
    "SEA": ("WA", "OR"),
    "ANC": ("AK",),
    "ORD": ("IL", "WI", "MN", "MI", "IN", "OH", "IA", "MO", "ND", "SD", "NE", "KS"),
    "DFW": ("TX", "OK", "LA", "AR"),
    "ATL": ("GA", "FL", "SC", "NC", "AL", "MS", "TN", "KY", "VA", "WV"),
    "JFK": ("NY", "NJ", "CT", "MA", "PA", "RI", "VT", "NH", "ME", "DE", "MD", "DC"),
    "SJU": ("PR",),  # Puerto Rico is inside the US customs territory: same CBP entry rules
}
# Codes a US address may carry that this lane cannot serve, and why (the refusal's text).
UNSERVED_DESTINATIONS: dict[str, str] = {
    "GU": "Guam is outside the US customs territory (its own customs entry)",
    "VI": "the US Virgin Islands are outside the US customs territory (their own customs entry)",
    "AS": "American Samoa is outside the US customs territory (its own customs entry)",
    "MP": "the Northern Mariana Islands are outside the US customs territory (their own customs entry)",
    "AA": "UPS does not deliver to APO/FPO/DPO military addresses",
    "AE": "UPS does not deliver to APO/FPO/DPO military addresses",
    "AP": "UPS does not deliver to APO/FPO/DPO military addresses",
}
GATEWAY_BY_STATE: dict[str, str] = {state: code for code, states in US_GATEWAYS.items() for state in states}

# Flight hours from any China gateway to each US gateway (transpacific, with a stop where usual).
FLIGHT_HOURS: dict[str, int] = {
    "ANC": 10, "SEA": 13, "LAX": 14, "ONT": 14, "ORD": 16, "DFW": 17, "JFK": 17, "ATL": 18, "SJU": 20,
}

# Hours per step by service level: (first mile, export customs, wait for a flight, last mile).
STEP_HOURS: dict[ServiceLevel, tuple[int, int, int, int]] = {
    "standard": (24, 12, 24, 72),
    "express": (12, 6, 8, 24),
}
IMPORT_CUSTOMS_HOURS: dict[EntryType, int] = {"11": 12, "01": 48}  # a formal entry needs a broker's filing
PROMISE_MARGIN_DAYS: dict[ServiceLevel, int] = {"standard": 2, "express": 1}


def _key(name: str) -> str:
    cleaned = name.strip().lower()
    for chinese, english in _CHINESE_NAMES.items():
        if cleaned.startswith(chinese):
            return english
    for suffix in (" province", " city", " shi", " sheng", " sar"):
        cleaned = cleaned.removesuffix(suffix)
    return cleaned


def origin_gateway(sender: Party) -> Gateway:
    """The China export gateway for a sender: by city, then province, else SF's Ezhou hub."""
    return ORIGIN_BY_CITY.get(_key(sender.city)) or ORIGIN_BY_PROVINCE.get(_key(sender.region), EZHOU)


def us_gateway(state: str) -> str | None:
    """The US arrival gateway for a destination state; None where the joint venture does not deliver."""
    return GATEWAY_BY_STATE.get(state.upper())


def plan_legs(order: Order, entry: EntryType, start: datetime) -> tuple[PlannedLeg, ...]:
    """The five legs with back-to-back planned times from `start`; the state must have a gateway."""
    first_mile, export_customs, flight_wait, last_mile = STEP_HOURS[order.service_level]
    origin = origin_gateway(order.sender)
    arrival = us_gateway(order.recipient.region)
    if arrival is None:
        raise ValueError(f"no US gateway serves {order.recipient.region}")
    destination = f"{order.recipient.city}, {order.recipient.region} {order.recipient.postal_code}"
    steps = [
        ("first_mile", "sf_express", order.sender.city, origin.label, first_mile),
        ("export_customs", "sf_express", origin.label, origin.label, export_customs),
        ("air_linehaul", "jv", origin.code, arrival, flight_wait + FLIGHT_HOURS[arrival]),
        ("import_customs", "ups", arrival, arrival, IMPORT_CUSTOMS_HOURS[entry]),
        ("last_mile", "ups", arrival, destination, last_mile),
    ]
    legs: list[PlannedLeg] = []
    at = start
    for leg, carrier, leg_origin, leg_destination, hours in steps:
        end = at + timedelta(hours=hours)
        legs.append(PlannedLeg(leg, carrier, leg_origin, leg_destination, at, end))
        at = end
    return tuple(legs)


def promised_delivery_date(legs: tuple[PlannedLeg, ...], service_level: ServiceLevel) -> date:
    """The planned arrival plus a margin, moved off Sunday (no UPS residential delivery)."""
    promised = legs[-1].planned_end.date() + timedelta(days=PROMISE_MARGIN_DAYS[service_level])
    return promised + timedelta(days=1) if promised.weekday() == 6 else promised
