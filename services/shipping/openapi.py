"""The shipping API's OpenAPI 3.1 document."""

from __future__ import annotations

from typing import Any

from services.shipping.views import ShipmentView
from shared.numbers import SHAPES

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": ["string", "null"]},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
        },
    },
}


def _problem(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_SHIPMENT_ID_PARAMETER = {
    "name": "shipment_id",
    "in": "path",
    "required": True,
    "description": "The joint-venture tracking number: PB + 12 base32 characters + an ISO 7064 check character",
    "schema": {"type": "string", "pattern": SHAPES["shipment_id"].pattern},
}
_AUTHED_ERRORS = {
    "401": _problem("Missing, unknown or revoked API key"),
    "404": _problem("No such shipment for this shipper (another shipper's shipment answers the same)"),
}


def _shipment_paths() -> dict[str, Any]:
    return {
        "/v1/shipments/{shipment_id}": {
            "get": {
                "operationId": "getShipment",
                "summary": "A shipment of the calling shipper: numbers, legs, customs and promised date",
                "security": [{"apiKey": []}],
                "parameters": [_SHIPMENT_ID_PARAMETER],
                "responses": {"200": _json("The shipment", {"$ref": "#/components/schemas/ShipmentView"}),
                              **_AUTHED_ERRORS},
            }
        },
        "/v1/shipments/{shipment_id}/label": {
            "get": {
                "operationId": "getShipmentLabel",
                "summary": "The 4x6 inch shipping label, one page per parcel, with a Code 128 barcode",
                "security": [{"apiKey": []}],
                "parameters": [_SHIPMENT_ID_PARAMETER],
                "responses": {
                    "200": {"description": "The label",
                            "content": {"application/pdf": {"schema": {"type": "string",
                                                                       "contentMediaType": "application/pdf"}}}},
                    **_AUTHED_ERRORS,
                },
            }
        },
    }


def _operation_paths() -> dict[str, Any]:
    text = {"description": "Text", "content": {"text/plain": {"schema": {"type": "string"}}}}
    status = {"type": "object", "properties": {"status": {"type": "string"}}, "additionalProperties": True}
    return {
        "/openapi.json": {"get": {"operationId": "getOpenApi", "summary": "This document",
                                  "responses": {"200": _json("OpenAPI 3.1", {"type": "object"})}}},
        "/docs": {"get": {"operationId": "getDocs", "summary": "This document as a readable page",
                          "responses": {"200": {"description": "HTML",
                                                "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        "/healthz": {"get": {"operationId": "getHealth", "summary": "The process is alive",
                             "responses": {"200": _json("Alive", status)}}},
        "/readyz": {"get": {"operationId": "getReadiness", "summary": "Kafka and the store answer",
                            "responses": {"200": _json("Ready", status), "503": _json("Not ready", status)}}},
        "/metrics": {"get": {"operationId": "getMetrics", "summary": "Prometheus metrics",
                             "responses": {"200": text}}},
    }


def _schemas() -> dict[str, Any]:
    schema = ShipmentView.model_json_schema(mode="serialization", ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {"ShipmentView": schema, **definitions, "Problem": PROBLEM_SCHEMA}


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route the shipping app serves."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "parcelbridge shipping API",
            "version": "1.0.0",
            "description": "Shipments booked for a shipper's orders (SF Express first mile, air linehaul, "
                           "UPS last mile), and their labels. Amounts are decimal strings in USD.",
        },
        "servers": [{"url": "http://127.0.0.1:8002"}],
        "paths": {**_shipment_paths(), **_operation_paths()},
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                           "description": "The shipper API key issued by the orders service"}},
        },
    }

