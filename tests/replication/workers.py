"""The service processes under test and the order traffic they carry.

Supervision is not what this tier tests (issue 11 gives it its own work): a worker that exits is started again
and counted, so a broker outage that kills a worker shows as a figure instead of a stalled pipeline.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable

from ops.infra.layout import PROJECT_ROOT, Layout
from services.orders import handlers
from services.orders.bootstrap import OrdersService
from services.orders.domain.commands import PlaceOrder
from services.orders.domain.placement import OrderRequest
from services.orders.openapi import EXAMPLE_ORDER
from shared.errors import TransientError
from shared.events.envelope import CloudEvent

COMMANDS = {
    "orders-relay": (sys.executable, "-m", "services.orders.worker", "relay"),
    "shipping-worker": (sys.executable, "-m", "services.shipping.worker", "consume"),
}


class Workers:
    """The orders crash sweeper and the shipping consumer as real processes, restarted when one exits."""

    def __init__(self, layout: Layout, env: dict[str, str]):
        self.layout = layout
        self.env = env
        self.restarts = dict.fromkeys(COMMANDS, 0)
        self._running: dict[str, subprocess.Popen] = {}
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._keep_running, daemon=True)

    def start(self) -> None:
        for name in COMMANDS:
            self._start(name)
        self._watch.start()

    def _start(self, name: str) -> None:
        log = self.layout.log_file(name)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as output:
            self._running[name] = subprocess.Popen(COMMANDS[name], stdout=output, stderr=subprocess.STDOUT,
                                                   stdin=subprocess.DEVNULL, env=self.env, cwd=PROJECT_ROOT)

    def _keep_running(self) -> None:
        while not self._stop.wait(0.5):
            for name, process in list(self._running.items()):
                if process.poll() is not None:
                    self.restarts[name] += 1
                    self._start(name)

    def stop(self) -> None:
        """SIGTERM each (consumers commit, relays flush), SIGKILL one that outlasts 30 s."""
        self._stop.set()
        if self._watch.is_alive():
            self._watch.join()
        for process in self._running.values():
            process.terminate()
        for process in self._running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class CountingPublisher:
    """The request path's own publisher, counting the events the broker acknowledged and those it did not."""

    def __init__(self, inner):
        self.inner = inner
        self.acked = 0
        self.unacked = 0

    def publish(self, events: Iterable[CloudEvent]) -> None:
        events = list(events)
        try:
            self.inner.publish(events)
        except TransientError:
            self.unacked += len(events)  # stored with its outbox: the sweeper publishes it
            raise
        self.acked += len(events)


class OrderTraffic:
    """Places orders at a steady rate through the orders handler (a write with its outbox, then its publish)."""

    def __init__(self, service: OrdersService, shipper_id: str, rate: float):
        self.service = service
        self.shipper_id = shipper_id
        self.interval = 1 / rate
        self.placed: list[str] = []  # orders whose write landed: what the API answers 201 for
        self.refused: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop placing orders; fails if a request is still blocked well past every producer timeout."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "an order request is still blocked 60 s after the traffic stopped"

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            body = copy.deepcopy(EXAMPLE_ORDER) | {"shipper_reference": f"REPL-{uuid.uuid4().hex[:10]}"}
            try:
                placed = handlers.place_order(PlaceOrder(self.shipper_id, OrderRequest.model_validate(body)),
                                              self.service.orders())
                self.placed.append(placed.order.id)
            except TransientError as exc:  # the store refused the write: no order, so nothing was promised
                self.refused.append(repr(exc))
            due += self.interval
            self._stop.wait(max(0.0, due - time.monotonic()))
