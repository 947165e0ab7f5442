"""The shipper's side of the orders API, as the bench drives it."""

from __future__ import annotations

import copy
import time
import uuid
from datetime import datetime
from typing import Any

import requests

from services.orders.openapi import EXAMPLE_ORDER

DECIDED = ("booked", "rejected")


def order_body() -> dict[str, Any]:
    """The documented example order with a fresh shipper reference (the API's own valid example)."""
    body = copy.deepcopy(EXAMPLE_ORDER)
    body["shipper_reference"] = f"BENCH-{uuid.uuid4().hex[:12]}"
    return body


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def place(session: requests.Session, orders_url: str, key: str) -> requests.Response:
    return session.post(f"{orders_url}/v1/orders", json=order_body(), headers=auth(key), timeout=30)


def get_order(session: requests.Session, orders_url: str, key: str, order_id: str) -> dict[str, Any]:
    response = session.get(f"{orders_url}/v1/orders/{order_id}", headers=auth(key), timeout=30)
    response.raise_for_status()
    return response.json()


def wait_decided(session: requests.Session, orders_url: str, key: str, order_id: str,
                 timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        order = get_order(session, orders_url, key, order_id)
        if order["status"] in DECIDED:
            return order
        time.sleep(0.1)
    raise TimeoutError(f"order {order_id} not booked within {timeout_s:.0f} s")


def placed_to_decided_ms(order: dict[str, Any]) -> float | None:
    """From the server's `placed` time to its `booked` (or `rejected`) time, from the order's own history."""
    times = {entry["status"]: entry["at"] for entry in order["status_history"]}
    decided = next((times[s] for s in DECIDED if s in times), None)
    if "placed" not in times or decided is None:
        return None
    return (datetime.fromisoformat(decided) - datetime.fromisoformat(times["placed"])).total_seconds() * 1000
