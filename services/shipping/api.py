"""The shipment read API: parse the request, load, answer; domain misses become problem+json."""

from __future__ import annotations

from typing import Protocol

from flask import Blueprint, Response, jsonify

from services.shipping.adapters.label import render_label
from services.shipping.adapters.repository import ShipmentRepository
from services.shipping.domain.model import Shipment
from services.shipping.openapi import openapi_document
from services.shipping.views import shipment_view
from shared.http.docs import add_document_routes
from shared.http.problems import Problem
from shared.numbers import is_shipment_id


class Stores(Protocol):
    """What the routes need, resolved per request so each process gets its own clients."""

    def shipments(self) -> ShipmentRepository: ...

    def caller(self) -> str:
        """The calling shipper's id; raises a 401 problem for a missing, unknown or revoked key."""
        ...


def shipping_blueprint(stores: Stores) -> Blueprint:
    api = Blueprint("shipping", __name__)

    def owned_shipment(shipment_id: str) -> Shipment:
        shipper_id = stores.caller()
        # A malformed id or a failed check character cannot exist: no store read needed.
        shipment = stores.shipments().get(shipment_id) if is_shipment_id(shipment_id) else None
        if shipment is None or shipment.shipper_id != shipper_id:
            # Another shipper's shipment answers exactly like a missing one: existence is not disclosed.
            raise Problem(404, "Not Found", f"no shipment {shipment_id}")
        return shipment

    @api.get("/v1/shipments/<shipment_id>")
    def get_shipment(shipment_id: str):
        view = shipment_view(owned_shipment(shipment_id))
        response = jsonify(view.model_dump(mode="json"))
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @api.get("/v1/shipments/<shipment_id>/label")
    def get_label(shipment_id: str):
        shipment = owned_shipment(shipment_id)
        return Response(
            render_label(shipment),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{shipment.shipment_id}.pdf"',
                     "Cache-Control": "private, no-store"},
        )

    add_document_routes(api, openapi_document)

    return api
