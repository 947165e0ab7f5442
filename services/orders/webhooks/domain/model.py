"""Shipper webhooks: the endpoints, the deliveries queued for them and the rules of retrying and disabling."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from shared.errors import BusinessRuleViolation
from shared.ids import derived_id

EVENT_TYPE = "parcel.status_changed"
WebhookState = Literal["active", "disabled"]
DeliveryState = Literal["pending", "delivered", "failed", "cancelled"]


class WebhookNotFound(BusinessRuleViolation):
    """No such webhook for this shipper (another shipper's webhook is reported the same way)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after each failed attempt, and after how many failures in a row a webhook is disabled."""

    delays: tuple[float, ...] = (10, 60, 300, 1800, 7200, 21600)
    disable_after: int = 15
    timeout: float = 5.0

    @classmethod
    def exponential(cls, first: float, factor: float, retries: int, **others: Any) -> RetryPolicy:
        return cls(tuple(first * factor**n for n in range(retries)), **others)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def delay_after(self, attempt: int) -> float | None:
        """Seconds to wait after failed attempt number `attempt` (1-based); None when it was the last."""
        return self.delays[attempt - 1] if attempt <= len(self.delays) else None


@dataclass
class Webhook:
    id: str
    shipper_id: str
    url: str
    secret: str  # kept to sign; shown to the shipper only in the registration answer
    created_at: datetime
    description: str | None = None
    statuses: tuple[str, ...] | None = None  # parcel statuses to deliver; None means every one
    state: WebhookState = "active"
    consecutive_failures: int = 0
    disabled_at: datetime | None = None
    disabled_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.state == "active"

    def wants(self, status: str) -> bool:
        return self.active and (self.statuses is None or status in self.statuses)

    def record_success(self) -> None:
        self.consecutive_failures = 0

    def record_failure(self, now: datetime, disable_after: int) -> bool:
        """Count a failed attempt; True when this one disabled the webhook."""
        self.consecutive_failures += 1
        if not self.active or self.consecutive_failures < disable_after:
            return False
        self.state = "disabled"
        self.disabled_at = now
        self.disabled_reason = f"{self.consecutive_failures} failed delivery attempts in a row"
        return True


@dataclass(frozen=True)
class PendingDelivery:
    """A delivery queued in the order document, in the same write as the change that caused it."""

    delivery_id: str
    webhook_id: str
    event_id: str
    event_type: str
    body: str  # the exact bytes sent (as text) and signed, fixed when queued
    queued_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: an HTTP status, or an error before any status."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Attempt:
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    next_attempt_at: datetime | None


@dataclass
class Delivery:
    id: str
    webhook_id: str
    shipper_id: str
    event_id: str
    event_type: str
    body: str
    created_at: datetime
    state: DeliveryState = "pending"
    next_attempt_at: datetime | None = None
    attempts: list[Attempt] = field(default_factory=list)
    cancel_reason: str | None = None

    @classmethod
    def from_pending(cls, pending: PendingDelivery, shipper_id: str) -> Delivery:
        return cls(pending.delivery_id, pending.webhook_id, shipper_id, pending.event_id, pending.event_type,
                   pending.body, pending.queued_at, next_attempt_at=pending.queued_at)

    def record(self, outcome: Outcome, now: datetime, policy: RetryPolicy) -> Attempt:
        """Log one attempt and decide what follows: done, failed for good, or another try later."""
        number = len(self.attempts) + 1
        delay = None if outcome.succeeded else policy.delay_after(number)
        self.next_attempt_at = now + timedelta(seconds=delay) if delay is not None else None
        if outcome.succeeded:
            self.state = "delivered"
        elif delay is None:
            self.state = "failed"
        attempt = Attempt(number, now, outcome.status_code, outcome.error, outcome.duration_ms, self.next_attempt_at)
        self.attempts.append(attempt)
        return attempt

    def cancel(self, reason: str) -> None:
        """Stop delivering (the webhook was deleted or disabled)."""
        self.state = "cancelled"
        self.next_attempt_at = None
        self.cancel_reason = reason


def delivery_id(webhook_id: str, event_id: str) -> str:
    """The same id for the same (webhook, event), so a re-queued delivery collides with the first."""
    return derived_id("dlv_", webhook_id, event_id, length=26)


def notification_body(event_id: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    """The JSON body of a delivery: compact, so what is signed is exactly what is sent."""
    body = {"id": event_id, "type": EVENT_TYPE, "occurred_at": occurred_at.isoformat(), "data": data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def queue_for(
    webhooks: list[Webhook], event_id: str, status: str, body: str, now: datetime
) -> list[PendingDelivery]:
    """One pending delivery per active webhook that wants this status."""
    return [
        PendingDelivery(delivery_id(w.id, event_id), w.id, event_id, EVENT_TYPE, body, now)
        for w in webhooks if w.wants(status)
    ]
