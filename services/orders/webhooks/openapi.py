"""The webhook operations of the orders API and the delivery it POSTs, declared for shared.http.openapi."""

from __future__ import annotations

from typing import Any

from services.orders.webhooks.views import (
    WEBHOOK_ID,
    DeliveryListQuery,
    DeliveryPage,
    NewWebhookView,
    WebhookList,
    WebhookPayload,
    WebhookRequest,
    WebhookView,
)
from shared.http.idempotency import created_headers, idempotency_key_parameter
from shared.http.operations import Body, Operation, Refusal, Reply, header_parameter, path_parameter, pattern_schema

EXAMPLE_WEBHOOK: dict[str, Any] = {
    "url": "https://hooks.example.com/parcelbridge",
    "description": "order system, production",
    "statuses": ["out_for_delivery", "delivered", "delivery_failed", "on_hold", "return_to_sender"],
}
EXAMPLE_PAYLOAD: dict[str, Any] = {
    "id": "8f0c2c1e-5d7a-4a53-9a55-0b7f3d1c9e21",
    "type": "parcel.status_changed",
    "occurred_at": "2025-06-09T14:32:00+00:00",
    "data": {
        "order_id": "ord_k3j5x2m7q4w6e8r2t5y7", "shipper_reference": "SHOP-2025-000123",
        "shipment_id": "JV7K2M9Q4W6E8R", "status": "delivered", "previous_status": "out_for_delivery",
        "milestone": "delivered", "leg": "last_mile", "carrier": "ups", "reason": None, "order_status": "delivered",
    },
}
SIGNATURE_RECIPE = (
    "Every delivery is a POST with a JSON body (schema `WebhookPayload`) and three headers: `Webhook-Id` (the "
    "event id: the same on every retry, so de-duplicate on it), `Webhook-Timestamp` (Unix seconds of this attempt) "
    "and `Webhook-Signature: v1=<hex>`, where hex is HMAC-SHA256 keyed with the whole secret string (`whsec_...`, "
    "UTF-8) over `<Webhook-Timestamp>.<raw body>`. To verify: take the raw body bytes as received (do not re-encode "
    "the JSON), compute the HMAC, compare it in constant time with each `v1=` value of the header, and refuse "
    "timestamps more than 5 minutes from your clock. Answer any 2xx within 5 seconds; anything else (a redirect "
    "included), a timeout or a connection error is a failed attempt, retried with exponential backoff (by default "
    "after 10 s, 1 min, 5 min, 30 min, 2 h and 6 h, then given up). After 15 failed attempts in a row (by "
    "default) the webhook is disabled. Deliveries may arrive out of order; use `occurred_at`."
)
REGISTRATION = (
    "The URL receives a signed POST each time one of your parcels changes status (every "
    "`tracking.status_changed`, optionally only for the `statuses` listed). The answer carries the signing "
    "`secret`: it is shown this once, so store it now. Targets must be http(s) URLs whose every address is "
    "public: loopback, private, link-local and other non-public addresses are refused (422 on `url`), at "
    "registration and again at each delivery. "
)

UNAUTHORIZED = {"401": Refusal("Missing, unknown or revoked API key")}
_MISSING = {"404": Refusal("No such webhook for this shipper")}
_WEBHOOK_ID = path_parameter("webhook_id", pattern_schema(WEBHOOK_ID.pattern))

REGISTER = Operation(
    "post", "/v1/webhooks", "Register a webhook", operation_id="registerWebhook",
    description=REGISTRATION + SIGNATURE_RECIPE,
    parameters=[idempotency_key_parameter("one webhook per key and shipper")],
    body=Body(WebhookRequest, EXAMPLE_WEBHOOK),
    responses={
        "201": Reply("The webhook, with its secret", NewWebhookView, headers=created_headers("webhook")),
        "400": Refusal("Malformed JSON or a bad Idempotency-Key"),
        **UNAUTHORIZED,
        "409": Refusal("The shipper has as many webhooks as allowed"),
        "413": Refusal("Body larger than the configured limit"),
        "415": Refusal("Body is not application/json"),
        "422": Refusal("Invalid fields (a refused target is reported on `url`) or an Idempotency-Key reused"),
    },
)
LIST = Operation(
    "get", "/v1/webhooks", "List webhooks", operation_id="listWebhooks",
    description="Your webhooks, oldest first, with their state (a webhook is `disabled` after a run of failed "
    "attempts; register a new one to resume). Secrets are never shown again.",
    responses={"200": Reply("Every webhook", WebhookList), **UNAUTHORIZED},
)
GET = Operation(
    "get", "/v1/webhooks/{webhook_id}", "Get a webhook", operation_id="getWebhook", parameters=[_WEBHOOK_ID],
    responses={"200": Reply("The webhook", WebhookView), **UNAUTHORIZED, **_MISSING},
)
DELETE = Operation(
    "delete", "/v1/webhooks/{webhook_id}", "Delete a webhook", operation_id="deleteWebhook",
    description="Nothing more is delivered to it; deliveries still queued are cancelled.",
    parameters=[_WEBHOOK_ID],
    responses={"204": Reply("Deleted"), **UNAUTHORIZED, **_MISSING},
)
DELIVERIES = Operation(
    "get", "/v1/webhooks/{webhook_id}/deliveries", "The delivery log of a webhook",
    operation_id="listWebhookDeliveries",
    description="Deliveries newest first, each with every attempt: HTTP status or error, duration, attempt "
    "number and when the next attempt is due.",
    parameters=[_WEBHOOK_ID], query=DeliveryListQuery,
    responses={
        "200": Reply("One page of deliveries", DeliveryPage),
        "400": Refusal("A query parameter is invalid (every one listed)"),
        **UNAUTHORIZED,
        **_MISSING,
    },
)
WEBHOOK_OPERATIONS = (REGISTER, LIST, GET, DELETE, DELIVERIES)

_HEADER = {"type": "string"}
STATUS_CHANGED = Operation(
    "post", "parcel.status_changed", "A parcel's status changed", description=SIGNATURE_RECIPE, security=[],
    parameters=[
        header_parameter("Webhook-Id", _HEADER, "The event id; de-duplicate on it", required=True),
        header_parameter("Webhook-Timestamp", _HEADER, "Unix seconds of this attempt", required=True),
        header_parameter("Webhook-Signature", _HEADER, "`v1=` + hex HMAC-SHA256", required=True),
    ],
    body=Body(WebhookPayload, EXAMPLE_PAYLOAD),
    responses={"2XX": Reply("Received; any other answer is retried")},
)
OUTGOING = (STATUS_CHANGED,)  # what parcelbridge POSTs to a registered webhook (OpenAPI 3.1 `webhooks`)
