"""Registering and deleting shipper webhooks."""

from __future__ import annotations

from dataclasses import dataclass

from services.orders.webhooks.adapters.repository import WebhookExists, WebhookRepository
from services.orders.webhooks.adapters.sender import TargetChecker
from services.orders.webhooks.domain.commands import DeleteWebhook, RegisterWebhook
from services.orders.webhooks.domain.model import Webhook
from services.orders.webhooks.domain.signing import new_secret
from shared.clock import Clock, utc_now
from shared.errors import BusinessRuleViolation
from shared.ids import derived_id, random_id

MAX_WEBHOOKS_PER_SHIPPER = 20


class WebhookLimitReached(BusinessRuleViolation):
    """The shipper has as many webhooks as allowed."""


class WebhookKeyReused(BusinessRuleViolation):
    """The Idempotency-Key was used for a different webhook."""


@dataclass(frozen=True)
class NewWebhook:
    webhook: Webhook  # with its secret, which the API shows in this answer only
    created: bool  # False when an Idempotency-Key replay returned the original webhook


def register_webhook(
    command: RegisterWebhook, webhooks: WebhookRepository, checker: TargetChecker, clock: Clock = utc_now
) -> NewWebhook:
    """A new webhook with a fresh secret; raises TargetRefused, WebhookLimitReached or WebhookKeyReused."""
    checker.check(command.url)
    key = command.idempotency_key
    webhook_id = _webhook_id_for_key(command.shipper_id, key) if key else _random_webhook_id()
    if key and (original := webhooks.get(webhook_id)):
        return NewWebhook(_same_request(original, command), created=False)
    if len(webhooks.for_shipper(command.shipper_id)) >= MAX_WEBHOOKS_PER_SHIPPER:
        raise WebhookLimitReached(f"a shipper can have at most {MAX_WEBHOOKS_PER_SHIPPER} webhooks; delete one first")
    webhook = Webhook(webhook_id, command.shipper_id, command.url, new_secret(), clock(),
                      command.description, command.statuses)
    try:
        webhooks.add(webhook)
    except WebhookExists:
        return NewWebhook(_same_request(webhooks.get_for(command.shipper_id, webhook_id), command), created=False)
    return NewWebhook(webhook, created=True)


def delete_webhook(command: DeleteWebhook, webhooks: WebhookRepository) -> None:
    """Delete the shipper's webhook; its queued deliveries are cancelled when they come due."""
    webhooks.get_for(command.shipper_id, command.webhook_id)
    webhooks.delete(command.webhook_id)


def _same_request(original: Webhook, command: RegisterWebhook) -> Webhook:
    if (original.url, original.description, original.statuses) != (command.url, command.description,
                                                                     command.statuses):
        raise WebhookKeyReused(
            f"Idempotency-Key {command.idempotency_key!r} was already used for webhook {original.id} with a "
            "different body; send the same body to get that webhook back, or a new key for a new webhook"
        )
    return original


def _random_webhook_id() -> str:
    return random_id("whk_")


def _webhook_id_for_key(shipper_id: str, key: str) -> str:
    return derived_id("whk_", "webhook", shipper_id, key)
