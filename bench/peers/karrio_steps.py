"""The workloads on Karrio, with the same generators, rates, durations and stop rules as ours.

- Tracker GET: vegeta, open loop at each of the bench's read rates until one breaks (errors or p99 over the
  limit), after the same warm-up; then the closed-loop maximum with the same clients and duration as ours.
- Order POST: the bench's own fixed-rate generator (bench/load.py, as for our orders) at each order rate.
  Every 201 is then read back (`GET /v1/orders/{id}` until 200) from a pool of readers, timed from just
  before the POST; a rate broke by the order rule both systems share (`bench.steps.order_rule_broke`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from bench import steps
from bench.config import BenchConfig
from bench.load import run_fixed_rate, workers_for
from bench.peers.comparison import peer_orders_broke
from bench.peers.karrio_requests import auth, order_body, tracker_targets
from bench.stats import summary_ms
from bench.tracking_reads import rotated
from bench.vegeta import Attack, Vegeta

OnRate = Callable[[float], Callable[[int], None]]
READ_BACK_TIMEOUT_S = 30
_sessions = threading.local()  # one keep-alive session per reader thread, as each generator thread has


def reads(load: Vegeta, url: str, key: str, numbers: list[str], config: BenchConfig, on_rate: OnRate
          ) -> dict[str, Any]:
    wanted = tracker_targets(url, key, numbers)
    warm = round(config.read_rates[0] * config.read_warmup_s)
    warm_up = load.attack(wanted[-warm:], Attack(config.read_rates[0], config.read_warmup_s), (200,))
    sent = 0

    def run(rate: float) -> dict[str, Any]:
        nonlocal sent
        result = load.attack(rotated(wanted, sent), Attack(rate, config.read_duration_s), (200,), on_rate(rate))
        sent += result["requests"]
        return result

    found = steps.until_broken(config.read_rates, run, lambda r: steps.read_broke(r, config.read_p99_limit_ms))
    loop = load.attack(rotated(wanted, sent), Attack(0, config.http_duration_s, config.http_clients), (200,))
    return {**found, "warm_up": warm_up, "closed_loop": loop | {"clients": config.http_clients,
                                                                "requests_per_s": loop["ok_per_s"]},
            "stop_rule": f"errors or p99 > {config.read_p99_limit_ms:g} ms"}


def orders(url: str, key: str, config: BenchConfig, on_rate: OnRate) -> dict[str, Any]:
    def one_rate(rate: float) -> dict[str, Any]:
        return order_rate(url, key, rate, config.order_duration_s, on_rate(rate))

    found = steps.until_broken(config.order_rates, one_rate,
                               lambda r: peer_orders_broke(r, config.booked_p99_limit_ms))
    return found | {"generator": "bench/load.py (open loop, fixed rate, as for our orders)",
                    "stop_rule": steps.order_stop_rule("never read back", "create → read back",
                                                       config.booked_p99_limit_ms)}


def order_rate(url: str, key: str, rate: float, duration_s: float, advance: Callable[[int], None]
               ) -> dict[str, Any]:
    """One fixed rate of `POST /v1/orders`, each created order read back by a pool beside the generator."""
    read_back: dict[str, float | None] = {}
    with ThreadPoolExecutor(workers_for(rate, 0.5), thread_name_prefix="karrio-read-back") as readers:
        def send(session: requests.Session, _index: int) -> int:
            sent_at = time.perf_counter()
            response = session.post(f"{url}/v1/orders", json=order_body(), headers=auth(key), timeout=30)
            if response.status_code == 201:
                order_id = response.json()["id"]
                readers.submit(_read_back, url, key, order_id, sent_at, read_back)
            return response.status_code

        run = run_fixed_rate(send, rate, duration_s, workers_for(rate, 0.5), on_done=lambda _o: advance(1))
    return {"rate_per_s": rate, "duration_s": duration_s, "orders_sent": len(run.outcomes),
            "achieved_rate_per_s": round(run.achieved_rate, 1), "errors": run.errors((201,)),
            "status_codes": dict(Counter(o.status for o in run.outcomes)),  # 0: no answer (see bench/load.py)
            "post_ms": summary_ms(run.latencies()),
            "read_back_ms": summary_ms([ms for ms in read_back.values() if ms is not None]),
            "not_read_back": sorted(order for order, ms in read_back.items() if ms is None)}


def _read_back(url: str, key: str, order_id: str, sent_at: float, found: dict[str, float | None]) -> None:
    """Poll the order until it answers 200; None when it never did within READ_BACK_TIMEOUT_S."""
    found[order_id] = None
    session = _sessions.__dict__.setdefault("session", requests.Session())
    deadline = time.monotonic() + READ_BACK_TIMEOUT_S
    while time.monotonic() < deadline:
        if session.get(f"{url}/v1/orders/{order_id}", headers=auth(key), timeout=30).status_code == 200:
            found[order_id] = (time.perf_counter() - sent_at) * 1000
            return
        time.sleep(0.05)
