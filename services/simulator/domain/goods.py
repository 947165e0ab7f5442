"""What the demo shipper sells and to whom: small tables of realistic goods, senders and recipients.

Every value passes the orders API's validation and the shipping service's refusal rules (no prohibited HS
chapter, weights and sizes within limits, destinations the lane serves).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Good:
    description: str
    hs_code: str
    unit_value_usd: tuple[float, float]
    unit_weight_kg: float


@dataclass(frozen=True)
class SenderCity:
    city: str
    province: str
    postal_code: str
    chinese: str
    district: str
    area_code: str


@dataclass(frozen=True)
class RecipientCity:
    city: str
    state: str
    zip_code: str
    area_code: str


GOODS: tuple[Good, ...] = (
    Good("Bluetooth headphones", "851830", (19.0, 79.0), 0.25),
    Good("Smartphone case, silicone", "392690", (3.5, 15.0), 0.05),
    Good("USB-C charging cable", "854442", (2.5, 12.0), 0.06),
    Good("Cotton T-shirt, knitted", "610910", (6.0, 25.0), 0.2),
    Good("Women's dress, synthetic fibres", "610443", (15.0, 60.0), 0.35),
    Good("Running shoes, textile upper", "640411", (25.0, 90.0), 0.8),
    Good("LED desk lamp", "940520", (12.0, 45.0), 0.9),
    Good("Stainless steel water bottle", "732393", (8.0, 30.0), 0.4),
    Good("Plastic building-block toy set", "950300", (10.0, 60.0), 0.7),
    Good("Ceramic coffee mug", "691200", (4.0, 18.0), 0.35),
    Good("Smart watch", "851762", (30.0, 150.0), 0.15),
    Good("Backpack, polyester", "420292", (15.0, 55.0), 0.6),
    Good("Kitchen knife set", "821191", (20.0, 80.0), 1.2),
    Good("Yoga mat, PVC", "392190", (10.0, 35.0), 1.1),
    Good("Sunglasses", "900410", (5.0, 40.0), 0.05),
    Good("Silk scarf", "621410", (12.0, 70.0), 0.08),
    Good("Mechanical keyboard", "847160", (35.0, 140.0), 1.0),
    Good("Tea, green, in packages under 3 kg", "090210", (6.0, 40.0), 0.25),
)

SENDER_CITIES: tuple[SenderCity, ...] = (
    SenderCity("Shenzhen", "Guangdong", "518057", "深圳", "Nanshan District", "755"),
    SenderCity("Dongguan", "Guangdong", "523000", "东莞", "Nancheng District", "769"),
    SenderCity("Guangzhou", "Guangdong", "510620", "广州", "Tianhe District", "20"),
    SenderCity("Foshan", "Guangdong", "528000", "佛山", "Chancheng District", "757"),
    SenderCity("Yiwu", "Zhejiang", "322000", "义乌", "Futian Subdistrict", "579"),
    SenderCity("Hangzhou", "Zhejiang", "310012", "杭州", "Xihu District", "571"),
    SenderCity("Ningbo", "Zhejiang", "315000", "宁波", "Haishu District", "574"),
    SenderCity("Shanghai", "Shanghai", "200120", "上海", "Pudong New Area", "21"),
    SenderCity("Suzhou", "Jiangsu", "215021", "苏州", "Gusu District", "512"),
    SenderCity("Xiamen", "Fujian", "361000", "厦门", "Siming District", "592"),
    SenderCity("Quanzhou", "Fujian", "362000", "泉州", "Fengze District", "595"),
    SenderCity("Wuhan", "Hubei", "430070", "武汉", "Hongshan District", "27"),
    SenderCity("Chengdu", "Sichuan", "610041", "成都", "Wuhou District", "28"),
    SenderCity("Qingdao", "Shandong", "266071", "青岛", "Shinan District", "532"),
)
SENDER_COMPANIES = (
    "Bright Gadgets Co., Ltd.", "Jiahe Trading Co., Ltd.", "Everwin E-commerce Co., Ltd.",
    "Huamei Apparel Co., Ltd.", "Sunrise Home Goods Co., Ltd.", "Longteng Electronics Co., Ltd.",
)
SENDER_STREETS = ("18 Keji South Road", "66 Industrial Avenue", "9 Commerce Street", "128 Xinhua Road",
                  "3 Logistics Park Road", "201 Chuangye Road")

RECIPIENT_CITIES: tuple[RecipientCity, ...] = (
    RecipientCity("San Francisco", "CA", "94105", "415"), RecipientCity("Los Angeles", "CA", "90012", "213"),
    RecipientCity("San Diego", "CA", "92101", "619"), RecipientCity("Phoenix", "AZ", "85004", "602"),
    RecipientCity("Las Vegas", "NV", "89101", "702"), RecipientCity("Honolulu", "HI", "96813", "808"),
    RecipientCity("Seattle", "WA", "98101", "206"), RecipientCity("Portland", "OR", "97204", "503"),
    RecipientCity("Anchorage", "AK", "99501", "907"), RecipientCity("Denver", "CO", "80202", "303"),
    RecipientCity("Salt Lake City", "UT", "84111", "801"), RecipientCity("Chicago", "IL", "60601", "312"),
    RecipientCity("Minneapolis", "MN", "55401", "612"), RecipientCity("Detroit", "MI", "48226", "313"),
    RecipientCity("Columbus", "OH", "43215", "614"), RecipientCity("Kansas City", "MO", "64105", "816"),
    RecipientCity("Houston", "TX", "77002", "713"), RecipientCity("Austin", "TX", "78701", "512"),
    RecipientCity("Dallas", "TX", "75201", "214"), RecipientCity("New Orleans", "LA", "70112", "504"),
    RecipientCity("Atlanta", "GA", "30303", "404"), RecipientCity("Miami", "FL", "33131", "305"),
    RecipientCity("Charlotte", "NC", "28202", "704"), RecipientCity("Nashville", "TN", "37203", "615"),
    RecipientCity("Richmond", "VA", "23219", "804"), RecipientCity("New York", "NY", "10001", "212"),
    RecipientCity("Brooklyn", "NY", "11201", "718"), RecipientCity("Newark", "NJ", "07102", "973"),
    RecipientCity("Boston", "MA", "02108", "617"), RecipientCity("Philadelphia", "PA", "19103", "215"),
    RecipientCity("Baltimore", "MD", "21201", "410"), RecipientCity("Washington", "DC", "20001", "202"),
    RecipientCity("San Juan", "PR", "00901", "787"),
)
FIRST_NAMES = ("Jane", "John", "Maria", "Wei", "Aisha", "Carlos", "Emily", "David", "Priya", "Michael", "Sofia",
               "James", "Mei", "Daniel", "Olivia", "Ahmed", "Grace", "Luis")
LAST_NAMES = ("Doe", "Smith", "Garcia", "Chen", "Johnson", "Nguyen", "Williams", "Patel", "Brown", "Lopez",
              "Kim", "Davis", "Martinez", "Wilson", "Anderson", "Lee")
US_STREETS = ("Market Street", "Main Street", "Oak Avenue", "Maple Drive", "Elm Street", "Broadway",
              "Washington Avenue", "Park Place", "Cedar Lane", "Sunset Boulevard")

_SENDERS_BY_CITY = {sender.city.lower(): sender for sender in SENDER_CITIES}


def sender_city(name: str) -> SenderCity | None:
    """The table row of a sender city (by its English name), if it is one of ours."""
    return _SENDERS_BY_CITY.get(name.strip().lower())


def build_order(rng: random.Random, reference: str, p_dap: float) -> dict[str, Any]:
    """A `POST /v1/orders` body: one parcel, one to three invoice lines, DAP with probability p_dap."""
    items = [_item(rng) for _ in range(rng.randint(1, 3))]
    weight = sum(item["quantity"] * good.unit_weight_kg for item, good in items) + 0.15
    return {
        "shipper_reference": reference,
        "sender": _sender(rng),
        "recipient": _recipient(rng),
        "parcels": [_parcel(rng, weight)],
        "customs": {
            "incoterm": "DAP" if rng.random() < p_dap else "DDP",
            "contents_type": "merchandise",
            "export_mode": "9610",
            "items": [item for item, _ in items],
        },
        "service_level": "express" if rng.random() < 0.2 else "standard",
    }


def _item(rng: random.Random) -> tuple[dict[str, Any], Good]:
    good = rng.choice(GOODS)
    low, high = good.unit_value_usd
    item = {
        "description": good.description, "quantity": rng.randint(1, 4),
        "unit_value": round(rng.uniform(low, high), 2), "currency": "USD", "hs_code": good.hs_code,
        "origin_country": "CN",
    }
    return item, good


def _sender(rng: random.Random) -> dict[str, Any]:
    city = rng.choice(SENDER_CITIES)
    return {
        "name": f"{city.city} {rng.choice(SENDER_COMPANIES)}",
        "phone": f"+86 {city.area_code} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "address_lines": [f"Building {rng.randint(1, 30)}, {rng.choice(SENDER_STREETS)}", city.district],
        "city": city.city, "province": city.province, "postal_code": city.postal_code, "country": "CN",
    }


def _recipient(rng: random.Random) -> dict[str, Any]:
    city = rng.choice(RECIPIENT_CITIES)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "name": f"{first} {last}",
        "phone": f"+1 {city.area_code} 555 {rng.randint(100, 199):04d}",
        "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 999)}@example.com",
        "address_lines": [f"{rng.randint(1, 9999)} {rng.choice(US_STREETS)}"],
        "city": city.city, "state": city.state, "zip": city.zip_code, "country": "US",
    }


def _parcel(rng: random.Random, weight_kg: float) -> dict[str, Any]:
    return {
        "weight_kg": round(min(weight_kg, 30.0), 3),
        "length_cm": rng.choice((20, 25, 30, 35, 40)), "width_cm": rng.choice((15, 20, 25)),
        "height_cm": rng.choice((5, 10, 15, 20)),
    }
