"""The orders API's operations, webhooks included, declared for shared.http.openapi, which builds the document."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from services.orders.domain.placement import OrderRequest
from services.orders.views import ORDER_ID_PATTERN, CancelRequest, ListQuery, OrderPage, OrderView
from services.orders.webhooks.openapi import OUTGOING, UNAUTHORIZED, WEBHOOK_OPERATIONS
from shared.http.idempotency import created_headers, idempotency_key_parameter
from shared.http.openapi import build_document
from shared.http.operations import Api, Body, Operation, Refusal, Reply, path_parameter, pattern_schema

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

_ORDER_ID = path_parameter("order_id", pattern_schema(ORDER_ID_PATTERN.pattern))
_NOT_FOUND = {"404": Refusal("No such order for this shipper")}

PLACE = Operation(
    "post", "/v1/orders", "Place an order", operation_id="placeOrder",
    description="Stores the order and announces it to the shipping service, which books it. With an "
    "`Idempotency-Key`, the same key and body return the original order (201 again, `Idempotent-Replayed: "
    "true`); the same key with another body is 422.",
    parameters=[idempotency_key_parameter("one order per key and shipper")],
    body=Body(OrderRequest, EXAMPLE_ORDER),
    responses={
        "201": Reply("The order, status `placed`", OrderView, headers=created_headers("order")),
        "400": Refusal("Malformed JSON or a bad Idempotency-Key"),
        **UNAUTHORIZED,
        "413": Refusal("Body larger than the configured limit"),
        "415": Refusal("Body is not application/json"),
        "422": Refusal("Invalid fields (every one listed) or an Idempotency-Key reused"),
    },
)
LIST = Operation(
    "get", "/v1/orders", "List orders", operation_id="listOrders",
    description="Your orders, newest first (by creation time, then id), one page at a time.",
    query=ListQuery,
    responses={
        "200": Reply("One page of orders", OrderPage),
        "400": Refusal("A query parameter is invalid (every one listed)"),
        **UNAUTHORIZED,
    },
)
GET = Operation(
    "get", "/v1/orders/{order_id}", "Get an order", operation_id="getOrder", parameters=[_ORDER_ID],
    responses={"200": Reply("The order", OrderView), **UNAUTHORIZED, **_NOT_FOUND},
)
CANCEL = Operation(
    "post", "/v1/orders/{order_id}/cancel", "Cancel an order", operation_id="cancelOrder",
    description="Allowed until a carrier first scans the parcel; the shipping service then cancels the "
    "shipment. Cancelling a cancelled order returns it unchanged.",
    parameters=[_ORDER_ID],
    body=Body(CancelRequest, EXAMPLE_CANCEL, required=False),
    responses={
        "200": Reply("The order, status `cancelled`", OrderView),
        "400": Refusal("Malformed JSON"),
        **UNAUTHORIZED,
        **_NOT_FOUND,
        "409": Refusal("The parcel was already scanned by a carrier, or the order has ended"),
        "415": Refusal("Body is not application/json"),
        "422": Refusal("Invalid fields"),
    },
)

ORDERS_API = Api(
    title="parcelbridge orders API",
    version="1.0.0",
    description="Shippers place China → US parcel orders and follow them from booking to delivery, by polling "
    "or through signed webhooks. Every /v1 endpoint needs `Authorization: Bearer <API key>`.",
    operations=(PLACE, LIST, GET, CANCEL, *WEBHOOK_OPERATIONS),
    webhooks=OUTGOING,
    server="http://127.0.0.1:8001",
    security=[{"apiKey": []}],
    security_schemes={"apiKey": {"type": "http", "scheme": "bearer", "description": "A shipper API key"}},
)


@cache
def _document() -> dict[str, Any]:
    return build_document(ORDERS_API)


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())
