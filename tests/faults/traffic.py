"""The load a fault lands in: a shipper placing orders at a steady rate, and the webhook receiver it subscribed."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from services.simulator.domain.goods import build_order
from tests.common.stack_reads import auth

ATTEMPTS = 3  # a careful client retries a lost answer with the same Idempotency-Key, then gives up
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Answer:
    at: float  # monotonic time the order was due
    status: int  # the last answer's HTTP status; 0: no answer at all
    order_id: str | None


@dataclass
class OrderLoad:
    """POST /v1/orders at `rate` per second from a few threads, so one slow answer does not slow the rate."""

    orders_url: str
    key: str
    rate: float
    seed: int = 20261203
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, limit: int) -> None:
        """Place at most `limit` orders; `stop` ends it sooner."""
        self._thread = threading.Thread(target=self._run, args=(limit,), name="order-load", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def accepted(self) -> list[str]:
        with self._lock:
            return [a.order_id for a in self.answers if a.status == 201 and a.order_id]

    def answered_between(self, began: float, ended: float) -> dict[str, int]:
        """How orders due in [began, ended) were answered, by status ("0": no answer)."""
        counts: dict[str, int] = {}
        with self._lock:
            for answer in self.answers:
                if began <= answer.at < ended:
                    counts[str(answer.status)] = counts.get(str(answer.status), 0) + 1
        return counts

    def _run(self, limit: int) -> None:
        rng = random.Random(self.seed)
        began = time.monotonic()
        pool = ThreadPoolExecutor(8, thread_name_prefix="order")
        try:
            for number in range(limit):
                due = began + number / self.rate
                if self._stop.wait(max(0.0, due - time.monotonic())):
                    break
                body = build_order(rng, f"FAULTS-{self.seed}-{number:06d}", 0.2)
                pool.submit(self._place, due, body)
        finally:
            # While the API hangs, orders queue up faster than they are answered: those never sent are dropped
            # (they were never answered, so nothing is judged by them); those under way finish.
            pool.shutdown(wait=True, cancel_futures=True)

    def _place(self, due: float, body: dict[str, Any]) -> None:
        headers = {**auth(self.key), "Idempotency-Key": f"faults-{uuid.uuid4().hex}"}
        status, order_id = 0, None
        for attempt in range(ATTEMPTS):
            try:
                response = requests.post(f"{self.orders_url}/v1/orders", json=body, headers=headers, timeout=10)
                status = response.status_code
                order_id = response.json().get("id") if status == 201 else None
            except (requests.RequestException, ValueError):
                status = 0
            if status not in RETRY_STATUSES and status != 0:
                break
            time.sleep(1.0 * (attempt + 1))
        with self._lock:
            self.answers.append(Answer(due, status, order_id))


@dataclass(frozen=True)
class Received:
    at: float  # monotonic
    webhook_id: str
    body: dict[str, Any]


class WebhookReceiver:
    """A shipper's webhook endpoint on 127.0.0.1: answers 204 and keeps every delivery."""

    def __init__(self, port: int):
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    receiver.received.append(Received(time.monotonic(), self.headers["Webhook-Id"],
                                                      json.loads(raw)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args):  # the deliveries are kept, not printed
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/parcelbridge/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()

    def received_since(self, moment: float) -> int:
        with self._lock:
            return sum(1 for r in self.received if r.at >= moment)

    def deliveries(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def subscribe(orders_url: str, key: str, url: str) -> str:
    """Register the receiver for every status; the webhook's id."""
    response = requests.post(f"{orders_url}/v1/webhooks", json={"url": url, "description": "fault tier"},
                             headers={**auth(key), "Idempotency-Key": f"faults-{uuid.uuid4().hex}"}, timeout=10)
    response.raise_for_status()
    return response.json()["id"]
