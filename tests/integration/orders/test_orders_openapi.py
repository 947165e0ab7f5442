import re

import pytest

from services.orders.domain.placement import OrderRequest
from services.orders.views import CancelRequest
from services.orders.webhooks.views import WebhookPayload, WebhookRequest

pytestmark = pytest.mark.integration

IGNORED_METHODS = {"HEAD", "OPTIONS"}
REQUEST_MODELS = {"OrderRequest": OrderRequest, "CancelRequest": CancelRequest, "WebhookRequest": WebhookRequest}


def _served(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield path, method.lower()


def test_every_route_is_documented(app):
    document = app.test_client().get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    missing = [(path, method) for path, method in _served(app) if method not in document["paths"].get(path, {})]
    assert missing == []


def test_every_documented_operation_is_served(app):
    served = set(_served(app))
    document = app.test_client().get("/openapi.json").get_json()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == served


def test_every_request_body_has_an_example_the_api_accepts(app):
    document = app.test_client().get("/openapi.json").get_json()
    bodies = [op["requestBody"] for ops in document["paths"].values() for op in ops.values() if "requestBody" in op]
    assert len(bodies) == 3
    for request_body in bodies:
        media = request_body["content"]["application/json"]
        model = REQUEST_MODELS[media["schema"]["$ref"].rsplit("/", 1)[1]]
        model.model_validate(media["example"])


def test_the_example_order_is_accepted_by_the_running_api(shipper, app):
    document = app.test_client().get("/openapi.json").get_json()
    example = document["paths"]["/v1/orders"]["post"]["requestBody"]["content"]["application/json"]["example"]
    response = shipper.call("POST", "/v1/orders", "/v1/orders", json=example)
    assert response.status_code == 201
    cancel = document["paths"]["/v1/orders/{order_id}/cancel"]["post"]["requestBody"]["content"]["application/json"]
    order_id = response.get_json()["id"]
    cancelled = shipper.call("POST", f"/v1/orders/{order_id}/cancel", "/v1/orders/{order_id}/cancel",
                             json=cancel["example"])
    assert cancelled.status_code == 200


def test_the_docs_page_renders_the_document(app):
    response = app.test_client().get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "/v1/orders/{order_id}/cancel" in page and "OrderRequest" in page
    assert "<script" not in page


def test_health_and_readiness_answer(app):
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"kafka": True, "store": True}


def test_the_webhook_delivery_is_documented_with_a_valid_example(app):
    document = app.test_client().get("/openapi.json").get_json()
    delivery = document["webhooks"]["parcel.status_changed"]["post"]
    WebhookPayload.model_validate(delivery["requestBody"]["content"]["application/json"]["example"])
    assert {p["name"] for p in delivery["parameters"]} == {"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"}
    assert "HMAC-SHA256" in delivery["description"]
