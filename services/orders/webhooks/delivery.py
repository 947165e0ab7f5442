"""The deliver process: move queued deliveries into the delivery log, then POST the due ones, signed.

It runs apart from the event consumer, which only queues: a slow or dead receiver delays nothing but its
own deliveries. Receivers are called in parallel; every outcome is recorded here, one at a time.

It wakes on work rather than polling: a doorbell (the topic whose events queue deliveries) ends an idle wait,
passes then follow each other quickly while traffic lasts, and an idle deliverer looks at its queue only
every `sweep_every` seconds (a missed ring) or when a retry falls due.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from prometheus_client import Counter

from services.orders.webhooks.adapters.queue import DeliveryQueue
from services.orders.webhooks.adapters.repository import DeliveryRepository, WebhookRepository
from services.orders.webhooks.adapters.sender import Sender
from services.orders.webhooks.domain.model import Delivery, Outcome, RetryPolicy, Webhook
from services.orders.webhooks.domain.signing import signature
from shared.clock import Clock, utc_now

log = logging.getLogger(__name__)

ATTEMPTS = Counter("parcelbridge_webhook_attempts_total", "Webhook delivery attempts, by result.", ["result"])
USER_AGENT = "parcelbridge-webhooks/1"


@dataclass(frozen=True)
class Pace:
    """How often the deliverer looks at its queue: busy while traffic flows, rarely when idle."""

    busy_wait: float = 0.2  # between passes, for `linger` seconds after the doorbell rang
    linger: float = 2.0  # the consumer queues shortly after the ring; keep looking that long
    sweep_every: float = 5.0  # the longest idle wait: bounds the delay of a delivery whose ring was missed


@dataclass(frozen=True)
class DispatchSettings:
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    batch: int = 100
    concurrency: int = 8
    pace: Pace = field(default_factory=Pace)


class Doorbell(Protocol):
    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """True when work is likely to have arrived; False after `timeout` seconds or once `stop` is set."""


@runtime_checkable
class Schedule(Protocol):
    def next_due(self) -> datetime | None:
        """When the earliest pending delivery falls due."""


def signed_headers(delivery: Delivery, secret: str, timestamp: int) -> dict[str, str]:
    """The headers of one attempt: the event id for de-duplication, the time and the signature over both."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Webhook-Id": delivery.event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, timestamp, delivery.body),
    }


class WebhookDispatcher:
    def __init__(
        self,
        queue: DeliveryQueue,
        webhooks: WebhookRepository,
        deliveries: DeliveryRepository,
        sender: Sender,
        settings: DispatchSettings = DispatchSettings(),
        clock: Clock = utc_now,
    ):
        self.queue = queue
        self.webhooks = webhooks
        self.deliveries = deliveries
        self.sender = sender
        self.settings = settings
        self.clock = clock

    def run(
        self, stop: threading.Event, doorbell: Doorbell | None = None, on_pass: Callable[[], None] | None = None
    ) -> None:
        """Move and send until stopped, waiting between passes as `Pace` says; `on_pass` after each pass."""
        pace = self.settings.pace
        busy_until = float("-inf")
        while not stop.is_set():
            worked = self.move_once() + self.send_once()
            if on_pass is not None:
                on_pass()
            if worked:
                continue
            if time.monotonic() < busy_until:
                stop.wait(pace.busy_wait)
            elif self._wait_idle(stop, doorbell, self._idle_wait(pace)):
                busy_until = time.monotonic() + pace.linger

    def _idle_wait(self, pace: Pace) -> float:
        next_due = self.deliveries.next_due() if isinstance(self.deliveries, Schedule) else None
        if next_due is None:
            return pace.sweep_every
        return max(pace.busy_wait, min(pace.sweep_every, (next_due - self.clock()).total_seconds()))

    @staticmethod
    def _wait_idle(stop: threading.Event, doorbell: Doorbell | None, seconds: float) -> bool:
        if doorbell is None:
            stop.wait(seconds)
            return False
        return doorbell.wait(seconds, stop)

    def move_once(self) -> int:
        """Queued deliveries into the log (a duplicate id is absorbed), then off their orders; returns how many."""
        moved = 0
        for queued in self.queue.pending(self.settings.batch):
            for pending in queued.deliveries:
                moved += self.deliveries.add(Delivery.from_pending(pending, queued.shipper_id))
            self.queue.remove(queued.order_id, {p.delivery_id for p in queued.deliveries})
        return moved

    def send_once(self) -> int:
        """Attempt every due delivery once; returns how many were attempted or cancelled."""
        due = self.deliveries.due(self.clock(), self.settings.batch)
        hooks = {hook_id: self.webhooks.get(hook_id) for hook_id in {d.webhook_id for d in due}}
        sendable = [d for d in due if self._still_wanted(d, hooks.get(d.webhook_id))]
        if sendable:
            with ThreadPoolExecutor(min(self.settings.concurrency, len(sendable))) as pool:
                outcomes = list(pool.map(lambda d: self._attempt(d, hooks[d.webhook_id]), sendable))
            for delivery, outcome in zip(sendable, outcomes, strict=True):
                self._record(delivery, hooks[delivery.webhook_id], outcome)
        return len(due)

    def _still_wanted(self, delivery: Delivery, webhook: Webhook | None) -> bool:
        if webhook is not None and webhook.active:
            return True
        delivery.cancel("the webhook was deleted" if webhook is None else "the webhook is disabled")
        self.deliveries.save(delivery)
        return False

    def _attempt(self, delivery: Delivery, webhook: Webhook) -> Outcome:
        timestamp = int(self.clock().timestamp())
        headers = signed_headers(delivery, webhook.secret, timestamp)
        return self.sender.post(webhook.url, delivery.body, headers, self.settings.policy.timeout)

    def _record(self, delivery: Delivery, webhook: Webhook, outcome: Outcome) -> None:
        now = self.clock()
        delivery.record(outcome, now, self.settings.policy)
        ATTEMPTS.labels("delivered" if outcome.succeeded else "failed").inc()
        if outcome.succeeded:
            webhook.record_success()
        elif webhook.record_failure(now, self.settings.policy.disable_after):
            log.warning("webhook disabled", extra={"webhook_id": webhook.id, "shipper_id": webhook.shipper_id,
                                                   "failures": webhook.consecutive_failures})
        self.deliveries.save(delivery)
        self.webhooks.save(webhook)
