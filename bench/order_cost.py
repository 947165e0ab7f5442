"""What one order costs end to end: placed at a fixed rate with nobody polling, then followed until settled.

The latency steps (intake.py) poll every order and its tracker, which costs store commands of its own; here
the bench only posts, waits until every service (the console's read model too) has finished, and counts.
Whether each order was booked is checked after the window closed.
"""

from __future__ import annotations

from typing import Any

import requests

from bench.load import run_fixed_rate, workers_for
from bench.meter import Meter
from bench.orders_api import get_order, place
from bench.stack import Bench


def run(bench: Bench, meter: Meter, rate: float, duration_s: float, advance) -> dict[str, Any]:
    """Place rate x duration orders, then the cost per order placed, and how many were booked."""
    placed: list[str] = []
    url = bench.url("orders")

    def send(session: requests.Session, _index: int) -> int:
        response = place(session, url, bench.api_key)
        if response.status_code == 201:
            placed.append(response.json()["id"])
        return response.status_code

    before = meter.begin()
    sent = run_fixed_rate(send, rate, duration_s, workers_for(rate, 0.5), on_done=lambda _o: advance(1))
    cost = meter.cost(before, len(placed))
    return {"rate_per_s": rate, "duration_s": duration_s, "orders_sent": len(sent.outcomes),
            "errors": sent.errors((201,)), "booked": _booked(bench, placed), **cost}


def _booked(bench: Bench, order_ids: list[str]) -> int:
    session = requests.Session()
    url = bench.url("orders")
    return sum(1 for order_id in order_ids
               if get_order(session, url, bench.api_key, order_id)["status"] == "booked")
