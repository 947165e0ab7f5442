"""The OpenAPI 3.1 document of the orders API; its schemas are generated from the pydantic models."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel

from services.orders.domain.model import ORDER_STATUSES
from services.orders.domain.placement import OrderRequest
from services.orders.views import CancelRequest, OrderPage, OrderView
from services.orders.webhooks.views import (
    DeliveryPage,
    NewWebhookView,
    WebhookList,
    WebhookPayload,
    WebhookRequest,
    WebhookView,
)
from shared.http.idempotency import idempotency_key_schema
from shared.http.openapi import (
    ModelRefs,
    component_schemas,
    json_content,
    operational_paths,
    problem_response,
    request_body,
)
from shared.http.views import ProblemView

EXAMPLE_ORDER: dict[str, Any] = {
    "shipper_reference": "SHOP-2025-000123",
    "sender": {
        "name": "Shenzhen Bright Gadgets Co., Ltd.",
        "phone": "+86 755 8888 1234",
        "address_lines": ["Building 5, 18 Keji South Road", "Nanshan District"],
        "city": "Shenzhen",
        "province": "Guangdong",
        "postal_code": "518057",
        "country": "CN",
    },
    "recipient": {
        "name": "Jane Doe",
        "phone": "+1 415 555 0100",
        "email": "jane.doe@example.com",
        "address_lines": ["500 Market Street", "Apt 12"],
        "city": "San Francisco",
        "state": "CA",
        "zip": "94105",
        "country": "US",
    },
    "parcels": [{"weight_kg": 1.25, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "customs": {
        "incoterm": "DDP",
        "contents_type": "merchandise",
        "export_mode": "9610",
        "items": [{
            "description": "Bluetooth headphones",
            "quantity": 2,
            "unit_value": 39.9,
            "currency": "USD",
            "hs_code": "851830",
            "origin_country": "CN",
        }],
    },
    "service_level": "standard",
}
EXAMPLE_CANCEL: dict[str, Any] = {"reason": "customer changed their mind"}
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

_REQUEST_MODELS: tuple[type[BaseModel], ...] = (OrderRequest, CancelRequest, WebhookRequest)
_RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    OrderView, OrderPage, ProblemView, NewWebhookView, WebhookView, WebhookList, DeliveryPage, WebhookPayload,
)


@cache
def _document() -> dict[str, Any]:
    refs, schemas = _schemas()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "parcelbridge orders API",
            "version": "1.0.0",
            "description": "Shippers place China → US parcel orders and follow them from booking to delivery, "
            "by polling or through signed webhooks. Every /v1 endpoint needs `Authorization: Bearer <API key>`.",
        },
        "servers": [{"url": "http://127.0.0.1:8001"}],
        "security": [{"apiKey": []}],
        "paths": {**_paths(refs), **_webhook_paths(refs)},
        "webhooks": _webhook_deliveries(refs),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "A shipper API key"}},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())


def schema_ref(model: type[BaseModel]) -> dict[str, str]:
    """The `$ref` the document uses for a model."""
    refs, _ = _schemas()
    return refs[model]


@cache
def _schemas() -> tuple[ModelRefs, dict[str, Any]]:
    return component_schemas(_REQUEST_MODELS, _RESPONSE_MODELS)


def _paths(refs: ModelRefs) -> dict[str, Any]:
    order = json_content(refs[OrderView])
    auth = {"401": problem_response("Missing, unknown or revoked API key")}
    return {
        "/v1/orders": {
            "post": {
                "summary": "Place an order",
                "description": "Stores the order and announces it to the shipping service, which books it. "
                "With an `Idempotency-Key`, the same key and body return the original order (201 again, "
                "`Idempotent-Replayed: true`); the same key with another body is 422.",
                "operationId": "placeOrder",
                "parameters": [_idempotency_key_parameter()],
                "requestBody": request_body(refs[OrderRequest], EXAMPLE_ORDER, required=True),
                "responses": {
                    "201": {**order, "description": "The order, status `placed`", "headers": {
                        "Location": {"description": "The order's URL", "schema": {"type": "string"}},
                        "Idempotent-Replayed": {"description": "`true` when an earlier order was returned",
                                                "schema": {"type": "string", "enum": ["true"]}},
                    }},
                    "400": problem_response("Malformed JSON or a bad Idempotency-Key"),
                    **auth,
                    "413": problem_response("Body larger than the configured limit"),
                    "415": problem_response("Body is not application/json"),
                    "422": problem_response("Invalid fields (every one listed) or an Idempotency-Key reused"),
                },
            },
            "get": {
                "summary": "List orders",
                "description": "Your orders, newest first (by creation time, then id), one page at a time.",
                "operationId": "listOrders",
                "parameters": _list_parameters(),
                "responses": {
                    "200": {**json_content(refs[OrderPage]), "description": "One page of orders"},
                    "400": problem_response("A query parameter is invalid (every one listed)"),
                    **auth,
                },
            },
        },
        "/v1/orders/{order_id}": {
            "get": {
                "summary": "Get an order",
                "operationId": "getOrder",
                "parameters": [_order_id_parameter()],
                "responses": {
                    "200": {**order, "description": "The order"},
                    **auth,
                    "404": problem_response("No such order for this shipper"),
                },
            },
        },
        "/v1/orders/{order_id}/cancel": {
            "post": {
                "summary": "Cancel an order",
                "description": "Allowed until a carrier first scans the parcel; the shipping service then "
                "cancels the shipment. Cancelling a cancelled order returns it unchanged.",
                "operationId": "cancelOrder",
                "parameters": [_order_id_parameter()],
                "requestBody": request_body(refs[CancelRequest], EXAMPLE_CANCEL, required=False),
                "responses": {
                    "200": {**order, "description": "The order, status `cancelled`"},
                    "400": problem_response("Malformed JSON"),
                    **auth,
                    "404": problem_response("No such order for this shipper"),
                    "409": problem_response("The parcel was already scanned by a carrier, or the order has ended"),
                    "415": problem_response("Body is not application/json"),
                    "422": problem_response("Invalid fields"),
                },
            },
        },
        **operational_paths(),
    }


def _webhook_paths(refs: ModelRefs) -> dict[str, Any]:
    auth = {"401": problem_response("Missing, unknown or revoked API key")}
    missing = {"404": problem_response("No such webhook for this shipper")}
    return {
        "/v1/webhooks": {
            "post": {
                "summary": "Register a webhook",
                "description": "The URL receives a signed POST each time one of your parcels changes status (every "
                "`tracking.status_changed`, optionally only for the `statuses` listed). The answer carries the "
                "signing `secret`: it is shown this once, so store it now. Targets must be http(s) URLs whose every "
                "address is public: loopback, private, link-local and other non-public addresses are refused (422 "
                "on `url`), at registration and again at each delivery. " + SIGNATURE_RECIPE,
                "operationId": "registerWebhook",
                "parameters": [_idempotency_key_parameter("one webhook per key and shipper")],
                "requestBody": request_body(refs[WebhookRequest], EXAMPLE_WEBHOOK, required=True),
                "responses": {
                    "201": {
                        **json_content(refs[NewWebhookView]), "description": "The webhook, with its secret",
                        "headers": {
                            "Location": {"description": "The webhook's URL", "schema": {"type": "string"}},
                            "Idempotent-Replayed": {"description": "`true` when an earlier webhook was returned",
                                                    "schema": {"type": "string", "enum": ["true"]}},
                        },
                    },
                    "400": problem_response("Malformed JSON or a bad Idempotency-Key"),
                    **auth,
                    "409": problem_response("The shipper has as many webhooks as allowed"),
                    "413": problem_response("Body larger than the configured limit"),
                    "415": problem_response("Body is not application/json"),
                    "422": problem_response("Invalid fields (a refused target is reported on `url`) or an "
                                    "Idempotency-Key reused"),
                },
            },
            "get": {
                "summary": "List webhooks",
                "description": "Your webhooks, oldest first, with their state (a webhook is `disabled` after a "
                "run of failed attempts; register a new one to resume). Secrets are never shown again.",
                "operationId": "listWebhooks",
                "responses": {"200": {**json_content(refs[WebhookList]), "description": "Every webhook"}, **auth},
            },
        },
        "/v1/webhooks/{webhook_id}": {
            "get": {
                "summary": "Get a webhook",
                "operationId": "getWebhook",
                "parameters": [_webhook_id_parameter()],
                "responses": {"200": {**json_content(refs[WebhookView]), "description": "The webhook"},
                              **auth, **missing},
            },
            "delete": {
                "summary": "Delete a webhook",
                "description": "Nothing more is delivered to it; deliveries still queued are cancelled.",
                "operationId": "deleteWebhook",
                "parameters": [_webhook_id_parameter()],
                "responses": {"204": {"description": "Deleted"}, **auth, **missing},
            },
        },
        "/v1/webhooks/{webhook_id}/deliveries": {
            "get": {
                "summary": "The delivery log of a webhook",
                "description": "Deliveries newest first, each with every attempt: HTTP status or error, "
                "duration, attempt number and when the next attempt is due.",
                "operationId": "listWebhookDeliveries",
                "parameters": [_webhook_id_parameter(), *_page_parameters()],
                "responses": {
                    "200": {**json_content(refs[DeliveryPage]), "description": "One page of deliveries"},
                    "400": problem_response("A query parameter is invalid (every one listed)"),
                    **auth,
                    **missing,
                },
            },
        },
    }


def _webhook_deliveries(refs: ModelRefs) -> dict[str, Any]:
    """What parcelbridge POSTs to a registered webhook (OpenAPI 3.1 `webhooks`)."""
    header = {"required": True, "schema": {"type": "string"}}
    return {"parcel.status_changed": {"post": {
        "summary": "A parcel's status changed",
        "description": SIGNATURE_RECIPE,
        "security": [],
        "parameters": [
            {"name": "Webhook-Id", "in": "header", "description": "The event id; de-duplicate on it", **header},
            {"name": "Webhook-Timestamp", "in": "header", "description": "Unix seconds of this attempt", **header},
            {"name": "Webhook-Signature", "in": "header", "description": "`v1=` + hex HMAC-SHA256", **header},
        ],
        "requestBody": request_body(refs[WebhookPayload], EXAMPLE_PAYLOAD, required=True),
        "responses": {"2XX": {"description": "Received; any other answer is retried"}},
    }}}


def _idempotency_key_parameter(what: str = "one order per key and shipper") -> dict[str, Any]:
    return {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "description": f"Makes retries safe: {what}.",
        "schema": idempotency_key_schema(),
    }


def _order_id_parameter() -> dict[str, Any]:
    return {"name": "order_id", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^ord_[a-z2-7]{20}$"}}


def _webhook_id_parameter() -> dict[str, Any]:
    return {"name": "webhook_id", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^whk_[a-z2-7]{20}$"}}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _page_parameters() -> list[dict[str, Any]]:
    return [
        _query("limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
        _query("cursor", "`next_cursor` of the previous page", {"type": "string", "maxLength": 200}),
    ]


def _list_parameters() -> list[dict[str, Any]]:
    limit, cursor = _page_parameters()
    return [
        limit,
        _query("status", "Only orders in this status", {"type": "string", "enum": list(ORDER_STATUSES)}),
        _query("created_from", "Created at or after (RFC 3339)", {"type": "string", "format": "date-time"}),
        _query("created_to", "Created at or before (RFC 3339)", {"type": "string", "format": "date-time"}),
        cursor,
    ]
