"""The carriers' answer contract over HTTP: partial acceptance, the carrier's own codes, refusals counted."""

import json

from prometheus_client import REGISTRY

from shared.events.envelope import new_event
from tests.unit.tracking.http_samples import ALERT, CREDENTIAL, post_sf
from tests.unit.tracking.tracking_samples import SF, SHIPMENT, UPS, booked_data, fixture

GOOD_ROUTE = {"mailno": SF, "acceptTime": "2025-06-01 22:00:00", "opCode": "50"}
MASKED_ROUTE = {**GOOD_ROUTE, "mailno": "SF12******90128"}


def post_ups(client, payload):
    return client.post("/v1/carriers/ups/track", json=payload, headers={"credential": CREDENTIAL})


def items_refused(carrier: str, reason: str) -> float:
    return REGISTRY.get_sample_value("parcelbridge_tracking_ingest_items_refused_total",
                                     {"carrier": carrier, "reason": reason}) or 0.0


def _track(*activities: dict) -> dict:
    return {"trackResponse": {"shipment": [{"inquiryNumber": UPS, "package": [
        {"trackingNumber": UPS, "activity": list(activities)}]}]}}


LA = {"address": {"city": "LOS ANGELES", "stateProvince": "CA", "postalCode": "90045", "countryCode": "US"}}
GOOD = {"location": LA, "status": {"type": "I", "code": "DS"}, "date": "20250609", "time": "080000"}
HALF_GMT = {"location": LA, "status": {"type": "I", "code": "AR"}, "date": "20250609", "time": "070000",
            "gmtTime": "140000"}


def test_one_bad_ups_activity_is_refused_alone_and_the_rest_is_recorded_with_a_200(client, booked, publisher):
    before = items_refused("ups", "bad_time")
    response = post_ups(client, _track(GOOD, HALF_GMT))
    answer = response.get_json()["response"]
    assert response.status_code == 200 and (answer["recorded"], answer["refused"]) == (1, 1)
    assert answer["refusals"] == [{"index": "shipment[0].package[0].activity[1]", "reason": "bad_time",
                                   "message": answer["refusals"][0]["message"]}]
    assert "gmtDate" in answer["refusals"][0]["message"]
    assert len(publisher.published) == 1 and items_refused("ups", "bad_time") == before + 1


def test_a_payload_with_nothing_usable_is_a_4xx_and_records_nothing(client, booked, publisher):
    response = post_ups(client, _track(HALF_GMT))
    assert response.status_code == 400 and publisher.published == []
    assert "activity[0]" in response.get_json()["response"]["errors"][0]["message"]


def test_an_sf_push_with_a_masked_route_is_still_0000_and_lists_the_refusal(client, booked, publisher):
    before = items_refused("sf_express", "masked_number")
    response = post_sf(client, {"Body": {"WaybillRoute": [GOOD_ROUTE, MASKED_ROUTE]}})
    answer = response.get_json()
    assert response.status_code == 200 and answer["return_code"] == "0000" and answer["refused"] == 1
    assert answer["refusals"][0]["index"] == "Body.WaybillRoute[1]"
    assert [e.subject for e in publisher.published] == [SHIPMENT]
    assert items_refused("sf_express", "masked_number") == before + 1


def test_a_ups_error_answer_is_a_422_that_carries_the_ups_code_and_message(client, publisher):
    response = post_ups(client, fixture("corpus/ups_error_answer.json")["payload"])
    errors = response.get_json()["response"]["errors"]
    assert response.status_code == 422 and errors[0]["code"] == "PB422"
    assert {"code": "TV1002", "message": "Invalid inquiry number"} in errors and publisher.published == []


def test_a_warning_only_ups_answer_is_a_200_with_no_scans_and_the_warning_echoed(client, publisher):
    payload = {"trackResponse": {"shipment": [{"inquiryNumber": UPS, "warnings": [
        {"code": "TW0001", "message": "Tracking Information Not Found"}]}]}}
    response = post_ups(client, payload)
    body = response.get_json()
    assert response.status_code == 200 and body["response"]["recorded"] == 0 and publisher.published == []
    assert body["warnings"] == [{"code": "TW0001", "message": "Tracking Information Not Found"}]


def test_a_failed_sf_route_answer_is_a_422_with_sfs_error_code(client, publisher):
    response = post_sf(client, fixture("corpus/sf_query_error_answer.json")["payload"])
    answer = response.get_json()
    assert response.status_code == 422 and answer["return_code"] == "4022"
    assert answer["carrier_error"]["code"] == "8003" and publisher.published == []


def test_a_guessed_time_shows_as_approximate_and_a_hub_scan_takes_the_current_leg(client, unit, publisher):
    unit.apply([new_event("shipment.booked", SHIPMENT, booked_data(), source="/t")])
    released = {**ALERT, "activityStatus": {"type": "I", "code": "DA"}, "gmtActivityDate": "20250609",
                "gmtActivityTime": "150000", "activityLocation": {"city": "LOS ANGELES", "stateProvince": "CA",
                                                                  "postalCode": "90045", "country": "US"}}
    departed = {"trackingNumber": UPS, "activityStatus": {"type": "I", "code": "DP"},
                "localActivityDate": "20250609", "localActivityTime": "200000"}  # no GMT, no location
    assert post_ups(client, [released, departed]).status_code == 200
    unit.apply(list(publisher.published))
    events = client.get(f"/v1/tracking/{UPS}").get_json()["events"]
    dp = next(e for e in events if e["carrier_code"].startswith("type=I code=DP"))
    assert dp["approximate_time"] is True and dp["occurred_at"].startswith("2025-06-10T03:00:00")
    assert (dp["milestone"], dp["leg"]) == ("last_mile_in_transit", "last_mile")
    assert json.dumps(events).count('"approximate_time": true') == 1
