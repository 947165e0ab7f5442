"""The HTTP edge on in-memory fakes: carrier auth and shapes, polling with ETags, batch, limits."""

import hashlib
import json
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from services.tracking.adapters.view_cache import ViewCache
from services.tracking.api import tracking_blueprint
from services.tracking.carriers.sf import auth as sf_auth
from services.tracking.options import TrackingOptions
from shared.events.envelope import new_event
from shared.http.app import create_app
from tests.unit.tracking.http_samples import ALERT, CHECK_WORD, CREDENTIAL, PUSH, FakeStores, post_sf, sf_headers
from tests.unit.tracking.tracking_samples import SF, SHIPMENT, UPS, booked_data


def test_a_signed_sf_push_is_recorded_and_answered_0000(client, booked, publisher):
    response = post_sf(client, PUSH)
    assert response.status_code == 200 and response.get_json() == {"return_code": "0000", "return_msg": "成功"}
    assert [e.subject for e in publisher.published] == [SHIPMENT]


@pytest.mark.parametrize("kwargs", [{"check_word": "wrong"}, {"age": 3600}])
def test_a_bad_or_stale_sf_signature_is_401_and_nothing_is_recorded(client, booked, publisher, kwargs):
    response = post_sf(client, PUSH, **kwargs)
    assert response.status_code == 401 and response.get_json()["return_code"] == "4001"
    assert publisher.published == []


def test_an_unsigned_sf_push_is_401(client, publisher):
    response = client.post("/v1/carriers/sf/route-push", json=PUSH)
    assert response.status_code == 401 and publisher.published == []


def test_every_refused_push_is_counted_by_carrier_and_status(client):
    def refused(carrier: str, status: str) -> float:
        return REGISTRY.get_sample_value(
            "parcelbridge_tracking_ingest_refused_total", {"carrier": carrier, "status": status}) or 0.0

    before = refused("sf_express", "401"), refused("ups", "400")
    client.post("/v1/carriers/sf/route-push", json=PUSH)
    client.post("/v1/carriers/ups/track", json={"trackingNumber": UPS}, headers={"credential": CREDENTIAL})

    assert (refused("sf_express", "401"), refused("ups", "400")) == (before[0] + 1, before[1] + 1)


def test_a_malformed_sf_payload_is_400_in_sfs_shape(client):
    response = post_sf(client, {"Body": {"WaybillRoute": [{"mailno": SF, "opCode": "50"}]}})
    assert response.status_code == 400
    assert response.get_json()["return_code"] == "4000" and "acceptTime" in response.get_json()["return_msg"]


def test_an_sf_body_that_is_not_json_is_400(client):
    body = "not json"
    response = client.post("/v1/carriers/sf/route-push", data=body, headers=sf_headers(body))
    assert response.status_code == 400 and response.get_json()["return_code"] == "4000"


def test_too_many_events_or_too_many_bytes_is_413_in_the_carriers_shape(client, booked, publisher):
    routes = [{"mailno": SF, "acceptTime": "2025-06-01 22:00:00", "opCode": str(i)} for i in range(51)]
    assert post_sf(client, {"Body": {"WaybillRoute": routes}}).status_code == 413
    huge = [{**ALERT, "padding": "x" * 1000} for _ in range(70)]
    response = client.post("/v1/carriers/ups/track", json=huge, headers={"credential": CREDENTIAL})
    assert response.status_code == 413 and response.get_json()["response"]["errors"][0]["code"] == "PB413"
    assert publisher.published == []


def test_a_broker_outage_is_503_so_the_carrier_retries(client, booked, publisher):
    publisher.fail = True
    response = post_sf(client, PUSH)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.get_json()["return_code"] != "0000"


def test_ups_alerts_need_the_credential(client, booked, publisher):
    assert client.post("/v1/carriers/ups/track", json=ALERT).status_code == 401
    wrong = client.post("/v1/carriers/ups/track", json=ALERT, headers={"credential": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["response"]["errors"][0]["code"] == "PB401"
    ok = client.post("/v1/carriers/ups/track", json=ALERT, headers={"credential": CREDENTIAL})
    assert ok.status_code == 200
    assert ok.get_json()["response"] == {"status": "accepted", "recorded": 1, "parked": 0, "refused": 0}


@pytest.mark.parametrize("carrier, payload", [
    ("sf", {"Body": {"WaybillRoute": [{"mailno": SF * 3, "acceptTime": "2025-06-01 22:00:00", "opCode": "50"}]}}),
    ("sf", {"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "0001-01-01 00:00:00", "opCode": "50"}]}}),
    ("ups", {**ALERT, "trackingNumber": "  "}),
    ("ups", {"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": {"type": "I", "code": "OT"}, "date": "99991231", "time": "230000", "gmtOffset": "-08:00"}]}]}]}}),
])
def test_numbers_and_times_our_events_cannot_carry_are_400_not_500(client, booked, publisher, parked, carrier,
                                                                    payload):
    response = post_sf(client, payload) if carrier == "sf" else \
        client.post("/v1/carriers/ups/track", json=payload, headers={"credential": CREDENTIAL})
    assert response.status_code == 400
    assert publisher.published == [] and parked.scans == {}


def _sf_route(**changes) -> dict:
    return {"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "2025-06-01 22:00:00", "opCode": "50", **changes}]}}


@pytest.mark.parametrize("carrier, payload, named", [
    ("sf", _sf_route(mailno=SF[:-1] + str((int(SF[-1]) + 1) % 10)), "is no sf_express number"),
    ("sf", _sf_route(mailno=UPS), "not a sf_express number"),
    ("sf", _sf_route(acceptTime="1969-12-31 08:00:00"), "1970-01-01"),
    ("sf", _sf_route(acceptTime="9999-12-31 23:59:59"), "1970-01-01"),
    ("ups", {**ALERT, "trackingNumber": "1Z999AA10123456785"}, "is no ups number"),
    ("ups", {**ALERT, "gmtActivityDate": "21991231"}, "1970-01-01"),
])
def test_scans_no_parcel_can_have_made_are_refused_not_parked_forever(client, publisher, parked, carrier, payload,
                                                                       named):
    response = post_sf(client, payload) if carrier == "sf" else \
        client.post("/v1/carriers/ups/track", json=payload, headers={"credential": CREDENTIAL})
    assert response.status_code == 400
    assert named in json.dumps(response.get_json())
    assert publisher.published == [] and parked.scans == {}


def test_a_utf16_push_is_400_even_when_signed(client, publisher, parked):
    body = json.dumps(PUSH)
    stamp = str(int(time.time() * 1000))
    response = client.post("/v1/carriers/sf/route-push", data=body.encode("utf-16"),
                           headers={"timestamp": stamp, "msgDigest": sf_auth.digest(body, stamp, CHECK_WORD),
                                    "Content-Type": "application/json"})
    assert response.status_code in (400, 401)
    assert publisher.published == [] and parked.scans == {}


def test_a_malformed_ups_payload_is_400_in_ups_shape(client):
    response = client.post("/v1/carriers/ups/track", json={"trackResponse": {}}, headers={"credential": CREDENTIAL})
    assert response.status_code == 400 and "shipment" in response.get_json()["response"]["errors"][0]["message"]


def test_an_unknown_number_is_accepted_and_parked(client, publisher, parked):
    response = client.post("/v1/carriers/ups/track", json=ALERT, headers={"credential": CREDENTIAL})
    assert response.status_code == 200 and response.get_json()["response"]["parked"] == 1
    assert len(parked.scans) == 1 and publisher.published == []


def test_a_shipment_id_reads_its_tracker_without_the_alias_hop(client, booked, deps, monkeypatch):
    asked: list[list[str]] = []
    resolve = deps.aliases.resolve
    monkeypatch.setattr(deps.aliases, "resolve", lambda numbers: asked.append(list(numbers)) or resolve(numbers))

    by_id, by_sf = client.get(f"/v1/tracking/{SHIPMENT}"), client.get(f"/v1/tracking/{SF}")

    assert by_id.status_code == by_sf.status_code == 200
    assert by_id.get_json()["numbers"] == by_sf.get_json()["numbers"]
    assert [n for numbers in asked for n in numbers] == [SF]


def test_polling_gets_an_etag_and_304_while_nothing_changed(client, booked, unit, publisher):
    first = client.get(f"/v1/tracking/{SF}")
    assert first.status_code == 200 and first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get(f"/v1/tracking/{SF}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    post_sf(client, PUSH)
    unit.apply(list(publisher.published))
    changed = client.get(f"/v1/tracking/{SF}", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["status"] == "picked_up"


def test_the_view_is_masked_localised_and_newest_first(client, booked):
    body = client.get(f"/v1/tracking/{UPS.lower()}", headers={"Accept-Language": "zh-CN,en;q=0.5"}).get_json()
    assert body["number"] == UPS and body["number_kind"] == "ups_tracking_number"
    assert body["numbers"] == {"shipment_id": SHIPMENT, "sf_waybill": SF, "ups_tracking_number": UPS}
    assert body["recipient"] == {"initials": None, "city": "Los Angeles", "state": "CA"}
    assert [e["milestone"] for e in body["events"]] == ["label_created", "order_created"]
    assert body["events"][0]["description"] == "运单已生成，等待揽收"  # noqa: RUF001 - Chinese punctuation
    assert "phone" not in json.dumps(body) and "address" not in json.dumps(body)


def test_unknown_and_malformed_numbers(client):
    missing = client.get("/v1/tracking/SF1234567890128")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    malformed = client.get("/v1/tracking/ABC")
    assert malformed.status_code == 400 and "1Z + 16" in malformed.get_json()["detail"]


def test_the_batch_answers_each_number_in_order(client, booked):
    response = client.post("/v1/tracking/batch", json={"numbers": [SF, "nonsense", "SF9999999999992", SHIPMENT]})
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [200, 400, 404, 200]
    assert results[0]["tracking"]["numbers"]["shipment_id"] == SHIPMENT


def test_a_batch_over_40_numbers_is_413_and_an_empty_one_422(client):
    assert client.post("/v1/tracking/batch", json={"numbers": [SF] * 41}).status_code == 413
    assert client.post("/v1/tracking/batch", json={"numbers": []}).status_code == 422


def test_the_public_api_is_rate_limited_per_address(deps, booked):
    options = TrackingOptions(rate_per_second=0.001, rate_burst=2, sf_signature_max_age=timedelta(minutes=5))
    client = create_app("tracking", [tracking_blueprint(FakeStores(deps, options))], {}, 16 * 1024).test_client()
    assert [client.get(f"/v1/tracking/{SF}").status_code for _ in range(2)] == [200, 200]
    limited = client.get(f"/v1/tracking/{SF}")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    other = client.get(f"/v1/tracking/{SF}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_answer_keeps_its_etag_and_a_change_shows_once_the_ttl_passed(deps, options, booked, unit,
                                                                                 publisher):
    ticks = Ticks()
    stores = FakeStores(deps, options, ViewCache(1.0, clock=ticks))
    client = create_app("tracking", [tracking_blueprint(stores)], {}, max_body_bytes=16 * 1024).test_client()
    first = client.get(f"/v1/tracking/{SF}")
    post_sf(client, PUSH)
    unit.apply(list(publisher.published))

    ticks.now = 0.9
    cached = client.get(f"/v1/tracking/{SF}")
    unchanged = client.get(f"/v1/tracking/{SF}", headers={"If-None-Match": first.headers["ETag"]})
    ticks.now = 1.0
    changed = client.get(f"/v1/tracking/{SF}", headers={"If-None-Match": first.headers["ETag"]})

    assert cached.get_data() == first.get_data() and cached.headers["ETag"] == first.headers["ETag"]
    assert unchanged.status_code == 304
    assert changed.status_code == 200 and changed.get_json()["status"] == "picked_up"
    assert changed.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("ttl", [0, 60])
def test_the_etag_is_the_hash_of_the_exact_body_sent(deps, options, booked, ttl):
    stores = FakeStores(deps, options, ViewCache(ttl))
    client = create_app("tracking", [tracking_blueprint(stores)], {}, max_body_bytes=16 * 1024).test_client()
    for response in (client.get(f"/v1/tracking/{SF}"), client.get(f"/v1/tracking/{SF}")):
        assert response.headers["ETag"] == f'"{hashlib.sha256(response.get_data()).hexdigest()[:32]}"'
        assert response.mimetype == "application/json" and response.get_json()["number"] == SF


def test_each_language_is_cached_apart(deps, options, booked):
    client = create_app("tracking", [tracking_blueprint(FakeStores(deps, options, ViewCache(60)))], {},
                        max_body_bytes=16 * 1024).test_client()
    english = client.get(f"/v1/tracking/{SF}")
    chinese = client.get(f"/v1/tracking/{SF}", headers={"Accept-Language": "zh-CN"})
    assert english.headers["Content-Language"] == "en" and chinese.headers["Content-Language"] == "zh-CN"
    assert english.get_json()["status_description"] != chinese.get_json()["status_description"]


def test_an_unknown_number_is_not_cached_so_it_appears_as_soon_as_it_is_booked(deps, options, unit):
    client = create_app("tracking", [tracking_blueprint(FakeStores(deps, options, ViewCache(60)))], {},
                        max_body_bytes=16 * 1024).test_client()
    assert client.get(f"/v1/tracking/{SF}").status_code == 404
    assert unit.apply([new_event("shipment.booked", SHIPMENT, booked_data(), source="/t")]) == []
    assert client.get(f"/v1/tracking/{SF}").status_code == 200


def test_get_many_answers_the_stored_trackers_once_each(trackers, booked):
    found = trackers.get_many([SHIPMENT, "PB-not-stored", SHIPMENT])
    assert list(found) == [SHIPMENT] and found[SHIPMENT].sf_waybill == SF
