"""The webhook routes against the real store: register, list, delete, the delivery log, and who may see what."""

from datetime import datetime

import pytest

from services.orders.bootstrap import OrdersService, create_orders_app
from services.orders.webhooks.options import WebhookSettings
from tests.integration.orders.conftest import seed_delivery

pytestmark = pytest.mark.integration

HOOKS = "/v1/webhooks"
ONE = "/v1/webhooks/{webhook_id}"
DELIVERIES = "/v1/webhooks/{webhook_id}/deliveries"
LOCAL_URL = "http://127.0.0.1:9/hook"


def _register(shipper, url=LOCAL_URL, **fields):
    return shipper.call("POST", HOOKS, HOOKS, json={"url": url, **fields})


def test_a_webhook_is_registered_with_its_secret_shown_once(shipper, service):
    response = _register(shipper, description="orders system", statuses=["delivered", "on_hold"])
    assert response.status_code == 201
    created = response.get_json()
    assert created["secret"].startswith("whsec_") and created["state"] == "active"
    assert response.headers["Location"] == f"/v1/webhooks/{created['id']}"
    assert service.webhooks().get(created["id"]).secret == created["secret"]  # kept, to sign
    listed = shipper.call("GET", HOOKS, HOOKS).get_json()["data"]
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0] and listed[0]["statuses"] == ["delivered", "on_hold"]
    fetched = shipper.call("GET", response.headers["Location"], ONE).get_json()
    assert fetched == listed[0]


def test_another_shippers_webhook_is_404_like_a_missing_one(new_shipper):
    owner, other = new_shipper("Owner"), new_shipper("Other")
    webhook_id = _register(owner).get_json()["id"]
    for method, url, route in [("GET", f"/v1/webhooks/{webhook_id}", ONE),
                               ("DELETE", f"/v1/webhooks/{webhook_id}", ONE),
                               ("GET", f"/v1/webhooks/{webhook_id}/deliveries", DELIVERIES),
                               ("DELETE", "/v1/webhooks/whk_aaaaaaaaaaaaaaaaaaaa", ONE),
                               ("DELETE", "/v1/webhooks/nonsense", ONE)]:
        assert other.call(method, url, route).status_code == 404
    assert other.call("GET", HOOKS, HOOKS).get_json()["data"] == []
    assert [w["id"] for w in owner.call("GET", HOOKS, HOOKS).get_json()["data"]] == [webhook_id]


def test_a_deleted_webhook_is_gone(shipper):
    webhook_id = _register(shipper).get_json()["id"]
    assert shipper.call("DELETE", f"/v1/webhooks/{webhook_id}", ONE).status_code == 204
    assert shipper.call("DELETE", f"/v1/webhooks/{webhook_id}", ONE).status_code == 404
    assert shipper.call("GET", f"/v1/webhooks/{webhook_id}", ONE).status_code == 404
    assert shipper.call("GET", HOOKS, HOOKS).get_json()["data"] == []


@pytest.mark.parametrize("path", [HOOKS, "/v1/webhooks/whk_aaaaaaaaaaaaaaaaaaaa/deliveries"])
def test_webhook_routes_need_an_api_key(app, path):
    assert app.test_client().get(path).status_code == 401
    assert app.test_client().post(HOOKS, json={"url": LOCAL_URL}).status_code == 401


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://hooks.example.com/x"}, "url"),
    ({"url": LOCAL_URL, "statuses": ["teleported"]}, "statuses.0"),
    ({"url": LOCAL_URL, "statuses": ["delivered", "delivered"]}, "statuses"),
    ({"url": LOCAL_URL, "secret": "mine"}, "secret"),
])
def test_invalid_registrations_are_422_naming_the_field(shipper, body, field):
    response = shipper.call("POST", HOOKS, HOOKS, json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.1.2.3/",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/"])
def test_private_targets_are_refused_unless_configuration_allows_them(service, new_shipper, url):
    strict = OrdersService(service.settings, WebhookSettings(allow_private_targets=False))
    shipper = new_shipper()
    shipper.client = create_orders_app(strict).test_client()
    refused = _register(shipper, url=url)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "url"
    assert strict.webhooks().for_shipper(shipper.id) == []


def test_the_same_idempotency_key_returns_the_same_webhook(shipper):
    headers = {"Idempotency-Key": "hook-1"}
    first = shipper.call("POST", HOOKS, HOOKS, json={"url": LOCAL_URL}, headers=headers)
    again = shipper.call("POST", HOOKS, HOOKS, json={"url": LOCAL_URL}, headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    other = shipper.call("POST", HOOKS, HOOKS, json={"url": LOCAL_URL + "2"}, headers=headers)
    assert other.status_code == 422


def test_the_delivery_log_is_paginated_newest_first(shipper, service):
    webhook_id = _register(shipper).get_json()["id"]
    for n in range(5):
        seed_delivery(service, shipper.id, webhook_id, f"evt-{n}")
    url = f"/v1/webhooks/{webhook_id}/deliveries"
    first = shipper.call("GET", url + "?limit=3", DELIVERIES).get_json()
    second = shipper.call("GET", f"{url}?limit=3&cursor={first['next_cursor']}", DELIVERIES).get_json()
    # Compare times as times: an instant on a whole second is written without a fraction.
    seen = [(datetime.fromisoformat(d["created_at"]), d["id"]) for d in first["data"] + second["data"]]
    assert len(first["data"]) == 3 and second["next_cursor"] is None
    assert sorted(seen, reverse=True) == seen and len(set(seen)) == 5
    assert first["data"][0]["payload"]["type"] == "parcel.status_changed"
    bad = shipper.call("GET", url + "?cursor=nonsense&page=2", DELIVERIES)
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == {"cursor", "page"}
