"""The shipper's webhook routes: register, list, delete, and read the delivery log."""

from __future__ import annotations

from typing import Protocol

from flask import Blueprint, Response, jsonify
from pymongo.collection import Collection

from services.orders.webhooks.adapters.repository import DeliveryQuery, DeliveryRepository, WebhookRepository
from services.orders.webhooks.adapters.sender import TargetChecker
from services.orders.webhooks.domain.commands import DeleteWebhook, RegisterWebhook
from services.orders.webhooks.domain.model import WebhookNotFound
from services.orders.webhooks.domain.targets import TargetRefused
from services.orders.webhooks.handlers import (
    WebhookKeyReused,
    WebhookLimitReached,
    delete_webhook,
    register_webhook,
)
from services.orders.webhooks.views import (
    DELIVERY_ID,
    WEBHOOK_ID,
    DeliveryListQuery,
    DeliveryPage,
    WebhookList,
    WebhookRequest,
    delivery_view,
    new_webhook_view,
    webhook_view,
)
from shared.http.auth import authenticate
from shared.http.body import parse_body, parse_query
from shared.http.cursor import encode_cursor, position_after
from shared.http.idempotency import idempotency_key, key_reused_problem
from shared.http.problems import Problem, problem_response, validation_problem


class WebhookStores(Protocol):
    """What the routes need, resolved per request so each process gets its own clients."""

    def webhooks(self) -> WebhookRepository: ...

    def deliveries(self) -> DeliveryRepository: ...

    def target_checker(self) -> TargetChecker: ...

    def api_keys(self) -> Collection: ...


def webhooks_blueprint(stores: WebhookStores) -> Blueprint:
    api = Blueprint("webhooks", __name__)
    _install_errors(api)

    @api.post("/v1/webhooks")
    def register():
        shipper_id = authenticate(stores.api_keys())
        key = idempotency_key()
        body = parse_body(WebhookRequest)
        statuses = tuple(body.statuses) if body.statuses else None
        command = RegisterWebhook(shipper_id, body.url, body.description, statuses, key)
        try:
            registered = register_webhook(command, stores.webhooks(), stores.target_checker())
        except TargetRefused as exc:
            raise validation_problem([{"field": "url", "message": str(exc)}]) from exc
        response = jsonify(new_webhook_view(registered.webhook))
        response.status_code = 201
        response.headers["Location"] = f"/v1/webhooks/{registered.webhook.id}"
        if not registered.created:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    @api.get("/v1/webhooks")
    def list_webhooks():
        shipper_id = authenticate(stores.api_keys())
        found = stores.webhooks().for_shipper(shipper_id)
        return jsonify(WebhookList.model_validate({"data": [webhook_view(w) for w in found]}).model_dump(mode="json"))

    @api.get("/v1/webhooks/<webhook_id>")
    def get_webhook(webhook_id: str):
        shipper_id = authenticate(stores.api_keys())
        return jsonify(webhook_view(stores.webhooks().get_for(shipper_id, _checked_id(webhook_id))))

    @api.delete("/v1/webhooks/<webhook_id>")
    def remove(webhook_id: str):
        shipper_id = authenticate(stores.api_keys())
        delete_webhook(DeleteWebhook(shipper_id, _checked_id(webhook_id)), stores.webhooks())
        return Response(status=204)

    @api.get("/v1/webhooks/<webhook_id>/deliveries")
    def deliveries(webhook_id: str):
        shipper_id = authenticate(stores.api_keys())
        webhook = stores.webhooks().get_for(shipper_id, _checked_id(webhook_id))
        query = _delivery_query(webhook.id)
        found = stores.deliveries().page(DeliveryQuery(webhook.id, query.limit + 1, query.after))
        page = found[: query.limit]
        next_cursor = encode_cursor(page[-1]) if len(found) > query.limit else None
        body = DeliveryPage.model_validate({"data": [delivery_view(d) for d in page], "next_cursor": next_cursor})
        return jsonify(body.model_dump(mode="json"))

    return api


def _install_errors(api: Blueprint) -> None:
    @api.errorhandler(WebhookNotFound)
    def _not_found(_exc: WebhookNotFound):
        return problem_response(Problem(404, "Webhook not found", "no webhook with this id exists for your account"))

    @api.errorhandler(WebhookLimitReached)
    def _too_many(exc: WebhookLimitReached):
        return problem_response(Problem(409, "Too many webhooks", str(exc),
                                        type_="https://parcelbridge.dev/problems/webhook-limit"))

    @api.errorhandler(WebhookKeyReused)
    def _key_reused(exc: WebhookKeyReused):
        return problem_response(key_reused_problem(str(exc)))


def _checked_id(webhook_id: str) -> str:
    # A malformed id cannot name a webhook: answer exactly as for an unknown one.
    if not WEBHOOK_ID.match(webhook_id):
        raise WebhookNotFound(webhook_id)
    return webhook_id


def _delivery_query(webhook_id: str) -> DeliveryQuery:
    """The validated query; 400 listing every parameter at fault."""
    query, errors = parse_query(DeliveryListQuery)
    after = position_after(query.cursor, DELIVERY_ID, errors)
    if errors:
        raise validation_problem(errors, status=400)
    return DeliveryQuery(webhook_id, query.limit, after)
