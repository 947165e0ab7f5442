"""Time from `POST /v1/orders` to the order showing `booked`, over N orders placed at a fixed rate.

    python -m bench.order_to_booked --orders 200 --rate 20 --api-key KEY

The latency is read from the order's own status history (the server's time of `placed` and of `booked`),
so the benchmark's polling — one light loop, not one poller per order — neither adds to it nor loads the system.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import requests
from rich.console import Console
from rich.progress import Progress

from services.orders.openapi import EXAMPLE_ORDER


@dataclass
class Sample:
    order_id: str
    posted_at: float
    post_ms: float
    booked_ms: float | None = None
    status: str = "placed"
    errors: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def place(session: requests.Session, url: str, key: str) -> Sample:
    body = copy.deepcopy(EXAMPLE_ORDER)
    body["shipper_reference"] = f"BENCH-{uuid.uuid4().hex[:12]}"
    began = time.perf_counter()
    response = session.post(f"{url}/v1/orders", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 201:
        raise RuntimeError(f"POST /v1/orders answered {response.status_code}: {response.text[:300]}")
    return Sample(response.json()["id"], began, elapsed)


def _history_ms(order: dict) -> float | None:
    times = {entry["status"]: entry["at"] for entry in order["status_history"]}
    if "placed" not in times or len(times) < 2:
        return None
    placed = datetime.fromisoformat(times["placed"])
    decided = datetime.fromisoformat(times.get("booked") or times.get("rejected"))
    return (decided - placed).total_seconds() * 1000


def collect(session: requests.Session, url: str, key: str, pending: list[Sample], timeout_s: float, on_done) -> None:
    """Loop over the orders not yet decided until each is booked or rejected (or the timeout passes)."""
    deadline = time.perf_counter() + timeout_s
    while pending and time.perf_counter() < deadline:
        for sample in list(pending):
            order = session.get(f"{url}/v1/orders/{sample.order_id}", headers={"Authorization": f"Bearer {key}"},
                                timeout=30).json()
            if order["status"] != "placed":
                sample.status = order["status"]
                sample.booked_ms = _history_ms(order)
                pending.remove(sample)
                on_done()
        time.sleep(0.2)
    for sample in pending:
        sample.errors.append("not booked in time")


def run(url: str, key: str, orders: int, rate: float, timeout_s: float) -> dict:
    session = requests.Session()
    samples: list[Sample] = []
    with Progress(console=Console(stderr=True)) as progress:
        placing = progress.add_task("placing orders", total=orders)
        began = time.perf_counter()
        for n in range(orders):
            time.sleep(max(0.0, began + n / rate - time.perf_counter()))
            samples.append(place(session, url, key))
            progress.advance(placing)
        booked = progress.add_task("waiting for booked", total=orders)
        collect(session, url, key, list(samples), timeout_s, lambda: progress.advance(booked))
    done = [s.booked_ms for s in samples if s.booked_ms is not None]
    posts = [s.post_ms for s in samples]
    return {
        "orders": orders, "rate_per_s": rate,
        "booked": sum(1 for s in samples if s.status == "booked"),
        "other_status": sorted({s.status for s in samples} - {"booked"}),
        "timed_out": sum(1 for s in samples if s.errors),
        "post_ms": {"p50": round(statistics.median(posts), 1), "p99": round(percentile(posts, 99), 1)},
        "order_to_booked_ms": {"p50": round(statistics.median(done), 1), "p99": round(percentile(done, 99), 1),
                               "max": round(max(done), 1)} if done else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="orders API base URL")
    parser.add_argument("--api-key", required=True, help="a shipper's API key (parcelbridge shippers create)")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="orders placed per second")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each order")
    args = parser.parse_args()
    result = run(args.url, args.api_key, args.orders, args.rate, args.timeout)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
