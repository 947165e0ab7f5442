import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from services.orders import handlers
from services.orders.domain.commands import RevokeShipper
from shared.events.envelope import new_event
from tests.integration.orders.conftest import MAX_BODY_BYTES, apply_polled, stored_orders

pytestmark = pytest.mark.integration

ORDERS = "/v1/orders"
ONE = "/v1/orders/{order_id}"
CANCEL = "/v1/orders/{order_id}/cancel"


def _place(shipper, body, **headers):
    return shipper.call("POST", ORDERS, ORDERS, json=body, headers=headers)


def test_an_order_is_placed_with_201_and_a_location(shipper, body, service, tail, published_topic):
    published = tail(published_topic)
    response = _place(shipper, body)
    assert response.status_code == 201
    order = response.get_json()
    assert response.headers["Location"] == f"/v1/orders/{order['id']}"
    assert order["status"] == "placed" and order["status_history"][0]["status"] == "placed"
    assert order["created_at"] == order["updated_at"]
    fetched = shipper.call("GET", response.headers["Location"], ONE)
    assert fetched.status_code == 200 and fetched.get_json() == order
    # Published by the request itself (no relay runs here), then trimmed from the order.
    [placed] = published.events_of(order["id"], 1)
    assert placed.short_type == "order.placed" and placed.data["shipper_id"] == shipper.id
    [stored] = stored_orders(service, shipper.id)
    assert stored["outbox"] == [] and not stored["outbox_pending"]
    assert service.database().outbox_hints.find_one({"doc_id": order["id"]}) is None


@pytest.mark.parametrize("authorization", [None, "Bearer pbk_wrong", "Basic abc", "Bearer "])
def test_a_missing_or_wrong_key_is_401(app, body, authorization, service):
    headers = {"Authorization": authorization} if authorization else {}
    response = app.test_client().post(ORDERS, json=body, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_401(shipper, body, service):
    assert _place(shipper, body).status_code == 201
    handlers.revoke_shipper(RevokeShipper(shipper.id), service.shippers())
    assert _place(shipper, body).status_code == 401
    assert shipper.call("GET", ORDERS, ORDERS).status_code == 401
    stored = service.shippers().get(shipper.id)
    assert stored.revoked_at is not None


def test_another_shippers_order_is_404_like_a_missing_one(new_shipper, body):
    owner, other = new_shipper("Owner"), new_shipper("Other")
    order_id = _place(owner, body).get_json()["id"]
    theirs = other.call("GET", f"/v1/orders/{order_id}", ONE)
    missing = other.call("GET", "/v1/orders/ord_aaaaaaaaaaaaaaaaaaaa", ONE)
    malformed = other.call("GET", "/v1/orders/nonsense", ONE)
    assert theirs.status_code == missing.status_code == malformed.status_code == 404
    assert theirs.get_json()["detail"] == missing.get_json()["detail"]
    assert other.call("POST", f"/v1/orders/{order_id}/cancel", CANCEL).status_code == 404
    assert owner.call("GET", f"/v1/orders/{order_id}", ONE).get_json()["status"] == "placed"
    assert other.call("GET", ORDERS, ORDERS).get_json()["data"] == []


def test_the_same_idempotency_key_and_body_return_the_same_order_once(shipper, body, service, tail, published_topic):
    published = tail(published_topic)
    first = _place(shipper, body, **{"Idempotency-Key": "retry-me-1"})
    again = _place(shipper, body, **{"Idempotency-Key": "retry-me-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(stored_orders(service, shipper.id)) == 1
    assert len(published.events_of(first.get_json()["id"], 2, seconds=3)) == 1


def test_the_same_idempotency_key_with_another_body_is_422(shipper, body, service):
    _place(shipper, body, **{"Idempotency-Key": "retry-me-2"})
    body["shipper_reference"] = "a different order"
    response = _place(shipper, body, **{"Idempotency-Key": "retry-me-2"})
    assert response.status_code == 422
    assert "different body" in response.get_json()["detail"]
    assert len(stored_orders(service, shipper.id)) == 1


def test_a_malformed_idempotency_key_is_400(shipper, body, service):
    response = _place(shipper, body, **{"Idempotency-Key": "x" * 300})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert stored_orders(service, shipper.id) == []


def _bad_posts(body):
    invalid = {**body, "recipient": {**body["recipient"], "state": "XX", "zip": "1"}, "parcels": []}
    return {
        "wrong content type": dict(data=json.dumps(body), content_type="text/plain"),
        "malformed json": dict(data="{not json", content_type="application/json"),
        "invalid fields": dict(json=invalid),
        "operator in a field": dict(json={**body, "shipper_reference": {"$gt": ""}}),
        "operator key inside": dict(json={**body, "sender": {**body["sender"], "$where": "1"}}),
        "dotted key": dict(json={**body, "a.b": 1}),
        "unknown field": dict(json={**body, "discount": 10}),
        "not an object": dict(json=[body]),
        "too large": dict(json={**body, "shipper_reference": "x" * (MAX_BODY_BYTES + 1)}),
    }


@pytest.mark.parametrize(("case", "status", "fields"), [
    ("wrong content type", 415, None),
    ("malformed json", 400, None),
    ("invalid fields", 422, {"recipient.state", "recipient.zip", "parcels"}),
    ("operator in a field", 422, {"shipper_reference.$gt"}),
    ("operator key inside", 422, {"sender.$where"}),
    ("dotted key", 422, {"a.b"}),
    ("unknown field", 422, {"discount"}),
    ("not an object", 422, {"(body)"}),
    ("too large", 413, None),
])
def test_bad_input_gets_its_documented_error_and_stores_nothing(shipper, body, service, case, status, fields):
    response = shipper.call("POST", ORDERS, ORDERS, **_bad_posts(body)[case])
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if fields:
        assert {e["field"] for e in response.get_json()["errors"]} == fields
    assert stored_orders(service, shipper.id) == []


def _place_many(shipper, body, count):
    return [_place(shipper, {**body, "shipper_reference": f"ref-{i}"}).get_json() for i in range(count)]


def test_pages_walk_every_order_newest_first_without_repeats(shipper, body):
    placed = _place_many(shipper, body, 5)
    seen, cursor, pages = [], None, 0
    while True:
        url = ORDERS + "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = shipper.call("GET", url, ORDERS).get_json()
        seen += page["data"]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert sorted(o["id"] for o in seen) == sorted(o["id"] for o in placed)
    keys = [(datetime.fromisoformat(o["created_at"]), o["id"]) for o in seen]
    assert keys == sorted(keys, reverse=True)


def test_orders_are_filtered_by_status_and_creation_time(shipper, body):
    placed = _place_many(shipper, body, 3)
    shipper.call("POST", f"/v1/orders/{placed[0]['id']}/cancel", CANCEL)
    cancelled = shipper.call("GET", ORDERS + "?status=cancelled", ORDERS).get_json()["data"]
    assert [o["id"] for o in cancelled] == [placed[0]["id"]]
    start = placed[1]["created_at"].replace("+00:00", "Z")
    recent = shipper.call("GET", f"{ORDERS}?created_from={start}", ORDERS).get_json()["data"]
    assert {o["id"] for o in recent} >= {placed[1]["id"], placed[2]["id"]}
    assert all(o["created_at"] >= placed[1]["created_at"] for o in recent)
    before = shipper.call("GET", f"{ORDERS}?created_to=2000-01-01T00:00:00Z", ORDERS).get_json()["data"]
    assert before == []


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", {"limit"}),
    ("limit=101", {"limit"}),
    ("limit=ten", {"limit"}),
    ("status=lost", {"status"}),
    ("status[$ne]=x", {"status[$ne]"}),
    ("status=$ne", {"status"}),
    ("created_from=yesterday", {"created_from"}),
    ("created_from=2025-06-01T00:00:00", {"created_from"}),
    ("created_from=2025-06-02T00:00:00Z&created_to=2025-06-01T00:00:00Z", {"created_from"}),
    ("cursor=bogus", {"cursor"}),
    ("status=placed&status=booked", {"status"}),
])
def test_bad_list_queries_are_400_with_the_parameter_named(shipper, query, fields):
    response = shipper.call("GET", f"{ORDERS}?{query}", ORDERS)
    assert response.status_code == 400
    assert {e["field"] for e in response.get_json()["errors"]} == fields


def test_an_order_is_cancelled_before_pickup(shipper, body, service, tail, published_topic):
    published = tail(published_topic)
    order_id = _place(shipper, body).get_json()["id"]
    response = shipper.call("POST", f"/v1/orders/{order_id}/cancel", CANCEL, json={"reason": "customer cancelled"})
    assert response.status_code == 200
    order = response.get_json()
    assert (order["status"], order["cancellation_reason"], order["cancellable"]) == (
        "cancelled", "customer cancelled", False)
    again = shipper.call("POST", f"/v1/orders/{order_id}/cancel", CANCEL)
    assert again.status_code == 200
    placed, cancelled = published.events_of(order_id, 2)
    assert (placed.short_type, cancelled.short_type) == ("order.placed", "order.cancelled")
    assert cancelled.data["reason"] == "customer cancelled"
    [stored] = stored_orders(service, shipper.id)
    assert stored["outbox"] == []


def test_an_order_is_not_cancelled_after_pickup(shipper, body, service):
    order_id = _place(shipper, body).get_json()["id"]
    picked_up = new_event("tracking.status_changed", "JV1", {
        "shipment_id": "JV1", "order_id": order_id, "status": "picked_up", "milestone": "first_mile_picked_up",
        "previous_status": "pending", "leg": "first_mile", "carrier": "sf_express",
        "occurred_at": "2025-06-02T09:00:00Z", "physically_scanned": True,
    }, source="/parcelbridge/tracking")
    assert apply_polled(service, picked_up) == []
    assert apply_polled(service, picked_up) == []  # applied once: the second changes nothing
    response = shipper.call("POST", f"/v1/orders/{order_id}/cancel", CANCEL)
    assert response.status_code == 409
    assert "first physical carrier scan" in response.get_json()["detail"]
    order = shipper.call("GET", f"/v1/orders/{order_id}", ONE).get_json()
    assert order["status"] == "in_transit" and order["cancellable"] is False
    [stored] = stored_orders(service, shipper.id)
    assert stored["applied_events"] == [picked_up.id]


def test_a_cancel_body_is_validated(shipper, body):
    order_id = _place(shipper, body).get_json()["id"]
    response = shipper.call("POST", f"/v1/orders/{order_id}/cancel", CANCEL, json={"why": "x"})
    assert response.status_code == 422
    assert shipper.call("GET", f"/v1/orders/{order_id}", ONE).get_json()["status"] == "placed"


def test_concurrent_retries_with_one_key_place_one_order(shipper, body, service, app):
    def post(_):
        headers = {**shipper.auth, "Idempotency-Key": "burst-1"}
        return app.test_client().post(ORDERS, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.get_json()["id"] for r in responses}) == 1
    assert len(stored_orders(service, shipper.id)) == 1
