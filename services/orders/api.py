"""The shipper REST API: parse, call a handler, map domain errors to problem+json."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from flask import Blueprint, g, jsonify, request
from pymongo.collection import Collection

from services.orders import handlers
from services.orders.adapters.repository import OrderQuery, OrderRepository
from services.orders.domain.commands import CancelOrder, PlaceOrder
from services.orders.domain.model import CancellationNotAllowed, OrderNotFound
from services.orders.domain.placement import IdempotencyKeyReused, OrderRequest
from services.orders.openapi import openapi_document
from services.orders.views import ORDER_ID_PATTERN, CancelRequest, ListQuery, OrderPage, order_view
from shared.errors import ConcurrencyConflict
from shared.http.auth import authenticate
from shared.http.body import parse_body, parse_query
from shared.http.cursor import encode_cursor, position_after
from shared.http.docs import add_document_routes
from shared.http.idempotency import idempotency_key, key_reused_problem
from shared.http.problems import Problem, problem_response, validation_problem


class Stores(Protocol):
    """What the routes need, resolved per request so each process gets its own clients."""

    def orders(self) -> OrderRepository: ...

    def api_keys(self) -> Collection: ...


def orders_blueprint(stores: Stores) -> Blueprint:
    api = Blueprint("orders", __name__)
    _install_errors(api)

    @api.post("/v1/orders")
    def place_order():
        shipper_id = authenticate(stores.api_keys())
        key = idempotency_key()
        body = parse_body(OrderRequest)
        command = PlaceOrder(shipper_id, body, key, request_id=g.request_id)
        placed = handlers.place_order(command, stores.orders())
        response = jsonify(order_view(placed.order))
        response.status_code = 201
        response.headers["Location"] = f"/v1/orders/{placed.order.id}"
        if not placed.created:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    @api.get("/v1/orders")
    def list_orders():
        shipper_id = authenticate(stores.api_keys())
        query = _list_query(shipper_id)
        # One row more than asked for tells whether another page exists.
        found = stores.orders().page(replace(query, limit=query.limit + 1))
        page = found[: query.limit]
        next_cursor = encode_cursor(page[-1]) if len(found) > query.limit else None
        return jsonify(OrderPage(data=[order_view(o) for o in page], next_cursor=next_cursor).model_dump(mode="json"))

    @api.get("/v1/orders/<order_id>")
    def get_order(order_id: str):
        shipper_id = authenticate(stores.api_keys())
        return jsonify(order_view(stores.orders().get_for(shipper_id, _checked_id(order_id))))

    @api.post("/v1/orders/<order_id>/cancel")
    def cancel_order(order_id: str):
        shipper_id = authenticate(stores.api_keys())
        body = parse_body(CancelRequest) if request.get_data(cache=True) else CancelRequest()
        command = CancelOrder(shipper_id, _checked_id(order_id), body.reason, request_id=g.request_id)
        return jsonify(order_view(handlers.cancel_order(command, stores.orders())))

    add_document_routes(api, openapi_document)

    return api


def _install_errors(api: Blueprint) -> None:
    @api.errorhandler(OrderNotFound)
    def _not_found(_exc: OrderNotFound):
        return problem_response(Problem(404, "Order not found", "no order with this id exists for your account"))

    @api.errorhandler(CancellationNotAllowed)
    def _not_cancellable(exc: CancellationNotAllowed):
        return problem_response(Problem(409, "Order cannot be cancelled", str(exc),
                                        type_="https://parcelbridge.dev/problems/not-cancellable"))

    @api.errorhandler(ConcurrencyConflict)
    def _kept_changing(_exc: ConcurrencyConflict):
        # Only after handlers.CANCEL_ATTEMPTS reads in a row each lost to another writer: ask for a retry.
        return problem_response(Problem(409, "Order changed while being cancelled", "try again in a moment",
                                        headers={"Retry-After": "1"},
                                        type_="https://parcelbridge.dev/problems/concurrent-change"))

    @api.errorhandler(IdempotencyKeyReused)
    def _key_reused(exc: IdempotencyKeyReused):
        return problem_response(key_reused_problem(str(exc)))


def _checked_id(order_id: str) -> str:
    # A malformed id cannot name an order: answer exactly as for an unknown one.
    if not ORDER_ID_PATTERN.match(order_id):
        raise OrderNotFound(order_id)
    return order_id


def _list_query(shipper_id: str) -> OrderQuery:
    """The validated query; 400 listing every parameter at fault."""
    query, errors = parse_query(ListQuery)
    after = position_after(query.cursor, ORDER_ID_PATTERN, errors)
    if query.created_from and query.created_to and query.created_from > query.created_to:
        errors.append({"field": "created_from", "message": "must not be later than created_to"})
    if errors:
        raise validation_problem(errors, status=400)
    return OrderQuery(shipper_id, query.limit, query.status, query.created_from, query.created_to, after)
