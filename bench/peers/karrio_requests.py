"""The HTTP side of the Karrio peer as the bench drives it: bodies, headers and vegeta targets (pure)."""

from __future__ import annotations

import uuid
from typing import Any

from bench.vegeta import Target

CARRIER_ID = "bench-generic"
# The same parcel our example order describes, in Karrio's order shape (order_id unique per source, else 409).
SHIP_TO = {"person_name": "Jane Doe", "address_line1": "5840 Oak St", "city": "Vancouver", "postal_code": "V6M2V9",
           "country_code": "CA", "state_code": "BC"}
LINE_ITEM = {"description": "Coat", "quantity": 1, "weight": 1.7, "weight_unit": "KG", "value_amount": 99.99,
             "value_currency": "USD"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


def order_body(order_id: str | None = None) -> dict[str, Any]:
    """A minimal valid order: a fresh `order_id`, a recipient and one line item."""
    return {"order_id": order_id or f"PB-{uuid.uuid4().hex[:16]}", "source": "bench", "shipping_to": dict(SHIP_TO),
            "line_items": [dict(LINE_ITEM)]}


def connection_body() -> dict[str, Any]:
    """The generic ("custom carrier") connection: offline rating and labels, no tracking calls."""
    return {"carrier_name": "generic", "carrier_id": CARRIER_ID,
            "credentials": {"display_name": "Bench Carrier", "custom_carrier_name": "bench_carrier"}}


def tracker_targets(base_url: str, key: str, numbers: list[str]) -> list[Target]:
    """One `GET /v1/trackers/{number}` per number, with the token header."""
    header = tuple(auth(key).items())
    return [Target(f"{base_url}/v1/trackers/{number}", header) for number in numbers]


def has_connection(listing: dict[str, Any]) -> bool:
    """Whether `GET /v1/connections` already lists the bench's generic connection."""
    return any(item.get("carrier_id") == CARRIER_ID for item in listing.get("results", []))
