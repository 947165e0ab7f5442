"""What a shipper asks of its webhooks (imperative names)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisterWebhook:
    shipper_id: str
    url: str
    description: str | None = None
    statuses: tuple[str, ...] | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class DeleteWebhook:
    shipper_id: str
    webhook_id: str
