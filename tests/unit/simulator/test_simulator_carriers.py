import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from services.simulator.carriers import sf, ups
from services.simulator.domain.scenario import Odds
from services.tracking.carriers.ups import parse as ups_parse
from tests.unit.simulator.simulator_samples import NONE, independent_digest, journey, parcel

ROUTE_FIELDS = {"id", "mailno", "orderid", "acceptTime", "acceptAddress", "remark", "opCode"}
AT = datetime(2025, 6, 2, 1, 30, 5, tzinfo=UTC)


def _event(name: str, odds: Odds | None = None, duty_payer: str = "shipper"):
    played = journey(odds or NONE, duty_payer=duty_payer)
    return next(event for event in played.events if event.step.name == name)


def test_an_sf_route_push_has_the_documented_shape_in_china_time():
    payload = sf.route_push([sf.route(_event("pickup"), "SF1234567890128", "PBGWYSWAHCD9N97", AT)])
    decoded = json.loads(sf.encode_body(payload))
    (route,) = decoded["Body"]["WaybillRoute"]
    assert set(route) >= ROUTE_FIELDS and all(isinstance(value, str) for value in route.values())
    assert route["acceptTime"] == "2025-06-02 09:30:05"  # 01:30:05 UTC is 09:30:05 in China, printed without zone
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", route["acceptTime"])
    assert (route["mailno"], route["opCode"], route["acceptAddress"]) == ("SF1234567890128", "50", "深圳市")
    assert (route["firstStatusCode"], route["secondaryStatusCode"]) == ("1", "101")


def test_an_sf_export_hold_carries_its_reason_code_and_name():
    route = sf.route(_event("export_hold", dataclasses.replace(NONE, export_hold=1)), "SF1234567890128", "PB1", AT)
    assert route["opCode"] == "605" and route["reasonCode"].startswith("HG") and route["reasonName"]


def test_a_resent_sf_route_keeps_its_id():
    event = _event("sorted")
    assert sf.route(event, "SF1", "PB1", AT)["id"] == sf.route(event, "SF1", "PB1", AT)["id"]
    assert sf.route(event, "SF1", "PB1", AT)["id"] != sf.route(event, "SF1", "PB1", AT + timedelta(seconds=1))["id"]


def test_java_url_encoding_keeps_only_letters_digits_and_dot_dash_star_underscore():
    assert sf.java_url_encode("a b~*._-中{}") == "a+b%7E*._-%E4%B8%AD%7B%7D"


def test_the_sf_signature_matches_an_independent_computation():
    body = sf.encode_body(sf.route_push([sf.route(_event("flight_departed"), "SF1234567890128", "PB1", AT)]))
    headers = sf.signed_headers(body, "check word~1", datetime(2025, 6, 2, tzinfo=UTC))
    assert headers["timestamp"] == "1748822400000"
    assert headers["msgDigest"] == independent_digest(body, headers["timestamp"], "check word~1")


def test_sf_counts_only_return_code_0000_as_accepted():
    assert sf.accepted({"return_code": "0000", "return_msg": "成功"})
    assert not sf.accepted({"return_code": "4001"}) and not sf.accepted(None)


@pytest.mark.parametrize(("zone", "at", "local", "offset"), [
    ("America/Los_Angeles", datetime(2025, 6, 11, 15, 30, tzinfo=UTC), ("20250611", "083000"), "-07:00"),
    ("America/Los_Angeles", datetime(2025, 12, 1, 3, 0, tzinfo=UTC), ("20251130", "190000"), "-08:00"),
    ("America/New_York", datetime(2025, 6, 11, 2, 5, 9, tzinfo=UTC), ("20250610", "220509"), "-04:00"),
    ("Asia/Shanghai", datetime(2025, 6, 11, 20, 0, tzinfo=UTC), ("20250612", "040000"), "+08:00"),
])
def test_ups_local_time_and_gmt_fields_describe_the_same_instant(zone, at, local, offset):
    when = ups.local_time(at, zone)
    assert (when.date, when.time, when.offset) == (*local, offset)
    assert (when.gmt_date, when.gmt_time) == (at.strftime("%Y%m%d"), at.strftime("%H%M%S"))


def _instant(day: str, clock: str, offset: str = "+00:00") -> datetime:
    return datetime.fromisoformat(f"{day[:4]}-{day[4:6]}-{day[6:]}T{clock.replace(':', '')[:2]}:"
                                  f"{clock.replace(':', '')[2:4]}:{clock.replace(':', '')[4:]}{offset}")


def test_a_track_alert_s_gmt_fields_are_its_local_time_in_gmt():
    event = _event("delivered")
    message = ups.alert(event, "1ZCIETST0111111114", AT, scheduled=AT.date())
    local = _instant(message["localActivityDate"], message["localActivityTime"], "-07:00")
    assert local == _instant(message["gmtActivityDate"], message["gmtActivityTime"]) == AT
    assert message["activityStatus"] == {"type": "D", "code": "FS", "description": "Delivered", "statusCode": "011"}
    assert message["actualDeliveryDate"] == message["localActivityDate"] and message["scheduledDeliveryDate"]
    assert message["activityLocation"]["country"] == "US"


def test_a_track_api_answer_lists_activities_newest_first_with_a_consistent_gmt_offset():
    events = [_event("destination_scan"), _event("out_for_delivery")]
    activities = [(AT + timedelta(hours=i), ups.activity(e, AT + timedelta(hours=i))) for i, e in enumerate(events)]
    answer = ups.track_response({"1ZCIETST0111111114": activities})
    (package,) = answer["trackResponse"]["shipment"][0]["package"]
    assert [a["status"]["code"] for a in package["activity"]] == ["OT", "DS"]
    assert package["currentStatus"]["code"] == "OT"
    for activity in package["activity"]:
        local = _instant(activity["date"], activity["time"], activity["gmtOffset"])
        assert local == _instant(activity["gmtDate"], activity["gmtTime"])


@pytest.mark.parametrize("step", ["export_scan", "arrived_us", "destination_scan", "delivered"])
def test_a_ups_activity_without_gmt_fields_still_names_its_instant_by_local_time_and_place(step):
    alert = ups.alert(_event(step), "1ZCIETST0111111114", AT, gmt=False)
    activity = ups.activity(_event(step), AT, gmt=False)
    assert not {"gmtActivityDate", "gmtActivityTime"} & set(alert)
    assert not {"gmtDate", "gmtTime", "gmtOffset"} & set(activity)
    [from_alert] = ups_parse.parse([alert]).scans
    [from_track] = ups_parse.parse(ups.track_response({"1ZCIETST0111111114": [(AT, activity)]})).scans
    assert from_alert.occurred_at == from_track.occurred_at == AT
    assert from_alert.time_basis == "location" and not from_alert.approximate_time


def test_about_a_third_of_ups_activities_leave_their_gmt_fields_out():
    left_out = sum(ups.without_gmt(f"1Z{i:016d}", _event("destination_scan"), AT) for i in range(600))
    assert 150 <= left_out <= 250


def test_ups_events_abroad_use_the_local_time_of_the_place():
    scan = ups.alert(_event("export_scan"), "1Z", AT)
    assert scan["activityLocation"]["country"] == "CN"
    assert _instant(scan["localActivityDate"], scan["localActivityTime"], "+08:00") == AT


def test_the_ups_credential_travels_in_its_header():
    assert ups.credential_headers("secret")["credential"] == "secret"


def test_builders_refuse_the_other_carrier_s_events():
    with pytest.raises(TypeError):
        sf.route(_event("delivered"), "SF1", "PB1", AT)
    with pytest.raises(TypeError):
        ups.alert(_event("pickup"), "1Z", AT)
    assert parcel().sf_waybill.startswith("SF")
