"""The shipping API's operations, declared for shared.http.openapi, which builds the document from the views."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from services.shipping.views import ShipmentView
from shared.http.openapi import build_document
from shared.http.operations import Api, Operation, Refusal, Reply, path_parameter, pattern_schema
from shared.numbers import SHAPES

_SHIPMENT_ID = path_parameter(
    "shipment_id", pattern_schema(SHAPES["shipment_id"].pattern),
    "The joint-venture tracking number: PB + 12 base32 characters + an ISO 7064 check character",
)
_API_KEY = [{"apiKey": []}]
_REFUSALS = {
    "401": Refusal("Missing, unknown or revoked API key"),
    "404": Refusal("No such shipment for this shipper (another shipper's shipment answers the same)"),
}
_PDF = {"type": "string", "contentMediaType": "application/pdf"}

GET = Operation(
    "get", "/v1/shipments/{shipment_id}", "A shipment of the calling shipper: numbers, legs, customs and promised "
    "date", operation_id="getShipment", security=_API_KEY, parameters=[_SHIPMENT_ID],
    responses={"200": Reply("The shipment", ShipmentView), **_REFUSALS},
)
LABEL = Operation(
    "get", "/v1/shipments/{shipment_id}/label", "The 4x6 inch shipping label, one page per parcel, with a Code 128 "
    "barcode", operation_id="getShipmentLabel", security=_API_KEY, parameters=[_SHIPMENT_ID],
    responses={"200": Reply("The label", schema=_PDF, media_type="application/pdf"), **_REFUSALS},
)

SHIPPING_API = Api(
    title="parcelbridge shipping API",
    version="1.0.0",
    description="Shipments booked for a shipper's orders (SF Express first mile, air linehaul, UPS last mile), "
    "and their labels. Amounts are decimal strings in USD.",
    operations=(GET, LABEL),
    server="http://127.0.0.1:8002",
    security_schemes={"apiKey": {"type": "http", "scheme": "bearer",
                                 "description": "The shipper API key issued by the orders service"}},
)


@cache
def _document() -> dict[str, Any]:
    return build_document(SHIPPING_API)


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())
