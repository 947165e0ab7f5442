"""What the webhook routes read and answer, and the body every delivery carries."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.orders.webhooks.domain.model import Delivery, Webhook
from services.orders.webhooks.domain.targets import MAX_URL_LENGTH
from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import Carrier, Leg, Milestone, Reason, Status

WEBHOOK_ID = re.compile(r"^whk_[a-z2-7]{20}$")
DELIVERY_ID = re.compile(r"^dlv_[a-z2-7]{26}$")


class WebhookRequest(Payload):
    """The body of `POST /v1/webhooks`."""

    url: str = Field(min_length=1, max_length=MAX_URL_LENGTH,
                     description="An http(s) URL on a public address; it receives a POST per delivery.")
    description: str | None = Field(default=None, min_length=1, max_length=500)
    statuses: list[Status] | None = Field(
        default=None, min_length=1, max_length=12,
        description="Deliver only changes to these parcel statuses; omit for every status change.",
    )

    @field_validator("statuses")
    @classmethod
    def _distinct(cls, statuses: list[str] | None) -> list[str] | None:
        if statuses and len(set(statuses)) != len(statuses):
            raise ValueError("list each status once")
        return statuses


class DeliveryListQuery(BaseModel):
    """The query string of `GET /v1/webhooks/{webhook_id}/deliveries`; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100, description="Page size")
    cursor: str | None = Field(default=None, max_length=200, description="`next_cursor` of the previous page")


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookView(_View):
    """A webhook as its shipper sees it (never with its secret)."""

    id: str
    url: str
    description: str | None = None
    statuses: list[Status] | None = None
    state: Literal["active", "disabled"]
    created_at: datetime
    consecutive_failures: int
    disabled_at: datetime | None = None
    disabled_reason: str | None = None


class NewWebhookView(WebhookView):
    """A webhook just registered, with the signing secret: shown in this answer only."""

    secret: str


class WebhookList(_View):
    data: list[WebhookView]


class AttemptView(_View):
    number: int
    at: datetime
    status_code: int | None = Field(description="The receiver's HTTP status; null when none was received.")
    error: str | None = Field(description="Why no status was received (timeout, refused connection, ...).")
    duration_ms: int
    next_attempt_at: datetime | None = Field(description="When the next attempt is due; null after the last one.")


class DeliveryView(_View):
    """One event for one webhook, with every attempt made so far."""

    id: str
    event_id: str
    event_type: str
    state: Literal["pending", "delivered", "failed", "cancelled"]
    created_at: datetime
    next_attempt_at: datetime | None = None
    cancel_reason: str | None = None
    attempts: list[AttemptView]
    payload: dict[str, Any] = Field(description="The body POSTed (see WebhookPayload).")


class DeliveryPage(_View):
    """One page of deliveries, newest first; pass `next_cursor` as `cursor` for the next page (null at the end)."""

    data: list[DeliveryView]
    next_cursor: str | None


class StatusChangeData(_View):
    order_id: str
    shipper_reference: str | None
    shipment_id: str
    status: Status
    previous_status: Status | None
    milestone: Milestone | None
    leg: Leg | None
    carrier: Carrier | None
    reason: Reason | None
    order_status: str = Field(description="The order's status after this change.")


class WebhookPayload(_View):
    """The JSON body of every delivery; `id` equals the `Webhook-Id` header and is the same on every retry."""

    id: str
    type: Literal["parcel.status_changed"]
    occurred_at: datetime
    data: StatusChangeData


def webhook_view(webhook: Webhook) -> dict[str, Any]:
    return WebhookView(**_webhook_fields(webhook)).model_dump(mode="json")


def new_webhook_view(webhook: Webhook) -> dict[str, Any]:
    return NewWebhookView(**_webhook_fields(webhook), secret=webhook.secret).model_dump(mode="json")


def _webhook_fields(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id, "url": webhook.url, "description": webhook.description,
        "statuses": list(webhook.statuses) if webhook.statuses is not None else None, "state": webhook.state,
        "created_at": webhook.created_at, "consecutive_failures": webhook.consecutive_failures,
        "disabled_at": webhook.disabled_at, "disabled_reason": webhook.disabled_reason,
    }


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    return DeliveryView(
        id=delivery.id, event_id=delivery.event_id, event_type=delivery.event_type, state=delivery.state,
        created_at=delivery.created_at, next_attempt_at=delivery.next_attempt_at,
        cancel_reason=delivery.cancel_reason, attempts=[AttemptView(**vars(a)) for a in delivery.attempts],
        payload=json.loads(delivery.body),
    ).model_dump(mode="json")
