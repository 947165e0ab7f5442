"""Order intake: `POST /v1/orders` at fixed rates; then order -> booked and order -> tracker visible.

- POST latency: open loop (see load.py), from each request's scheduled time.
- order -> booked: from the order's own status history (the server's `placed` and `booked` times), so the
  bench's polling neither adds to it nor delays it.
- order -> tracker visible: from just before the POST was sent to the first `GET /v1/tracking/{shipment id}`
  answering 200, found by one light polling loop running during the intake (resolution: one sweep, ~50 ms).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

from bench.load import run_fixed_rate, workers_for
from bench.orders_api import DECIDED, get_order, place, placed_to_decided_ms
from bench.stack import Bench
from bench.stats import summary_ms

SWEEP_PAUSE_S = 0.05
SETTLE_TIMEOUT_S = 120


@dataclass
class _Order:
    order_id: str
    sent_at: float  # perf_counter just before the POST
    shipment_id: str | None = None
    booked_ms: float | None = None
    status: str = "placed"
    visible_ms: float | None = None


def run_rate(bench: Bench, rate: float, duration_s: float, advance) -> dict[str, Any]:
    """One fixed rate: place orders for `duration_s`, then wait until each is booked and its tracker answers."""
    watcher = _Watcher(bench)
    orders_url = bench.url("orders")

    def send(session: requests.Session, _index: int) -> int:
        sent_at = time.perf_counter()
        response = place(session, orders_url, bench.api_key)
        if response.status_code == 201:
            watcher.add(_Order(response.json()["id"], sent_at))
        return response.status_code

    watcher.start()
    run = run_fixed_rate(send, rate, duration_s, workers_for(rate, 0.5), on_done=lambda _o: advance(1))
    watcher.finish(SETTLE_TIMEOUT_S)
    return _result(rate, duration_s, run, watcher.orders)


def _result(rate: float, duration_s: float, run, orders: list[_Order]) -> dict[str, Any]:
    return {
        "rate_per_s": rate, "duration_s": duration_s, "orders_sent": len(run.outcomes),
        "achieved_rate_per_s": round(run.achieved_rate, 1), "errors": run.errors((201,)),
        "post_ms": summary_ms(run.latencies()),
        "booked": sum(1 for o in orders if o.status == "booked"),
        "not_booked": {o.order_id: o.status for o in orders if o.status != "booked"},
        "order_to_booked_ms": summary_ms([o.booked_ms for o in orders if o.booked_ms is not None]),
        "order_to_tracker_visible_ms": summary_ms([o.visible_ms for o in orders if o.visible_ms is not None]),
    }


class _Watcher(threading.Thread):
    """Follows every placed order until it is decided and, if booked, until its tracker answers."""

    def __init__(self, bench: Bench):
        super().__init__(daemon=True)
        self.bench = bench
        self.orders: list[_Order] = []
        self.pending: list[_Order] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.session = requests.Session()

    def add(self, order: _Order) -> None:
        with self.lock:
            self.orders.append(order)
            self.pending.append(order)

    def finish(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.2)
        self.done.set()
        self.join()

    def run(self) -> None:
        while not self.done.is_set():
            with self.lock:
                pending = list(self.pending)
            for order in pending:
                if self._settled(order):
                    with self.lock:
                        self.pending.remove(order)
            time.sleep(SWEEP_PAUSE_S)

    def _settled(self, order: _Order) -> bool:
        if order.shipment_id is None and order.status == "placed":
            self._check_order(order)
            if order.status not in ("placed", "booked"):
                return True
        if order.shipment_id:
            url = f"{self.bench.url('tracking')}/v1/tracking/{order.shipment_id}"
            if self.session.get(url, timeout=30).status_code == 200:
                order.visible_ms = (time.perf_counter() - order.sent_at) * 1000
                return True
        return False

    def _check_order(self, order: _Order) -> None:
        found = get_order(self.session, self.bench.url("orders"), self.bench.api_key, order.order_id)
        if found["status"] in DECIDED:
            order.status = found["status"]
            order.booked_ms = placed_to_decided_ms(found)
            order.shipment_id = (found.get("booking") or {}).get("shipment_id")
