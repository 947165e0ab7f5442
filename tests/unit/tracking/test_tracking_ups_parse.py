"""UPS Track API answers and Track Alert messages (golden fixtures) -> canonical scans."""

import re
from datetime import UTC, datetime

import pytest

from services.tracking.carriers.ups import codes
from services.tracking.carriers.ups.parse import parse as parse_payload
from services.tracking.domain.scan import Location
from tests.unit.tracking.tracking_samples import UPS, complaint, fixture


def parse(payload):
    """The scans of a payload whose every item is well formed."""
    parsed = parse_payload(payload)
    assert not parsed.refusals, parsed.refusals
    return parsed.scans



def _observed(scan) -> dict:
    seen = {"status": scan.status, "milestone": scan.milestone, "reason": scan.reason, "kind": scan.kind,
            "occurred_at": scan.occurred_at.isoformat(), "mapped_from": scan.mapped_from}
    if scan.delivery_estimate:
        seen["delivery_estimate"] = scan.delivery_estimate.isoformat()
    return seen


@pytest.mark.parametrize("name", ["ups_track_every_code.json", "ups_track_alerts.json"])
def test_golden_payloads_parse_to_the_expected_scans(name):
    golden = fixture(name)
    scans = parse(golden["payload"])
    assert [_observed(s) for s in scans] == golden["expected"]
    assert {s.carrier_number for s in scans} == {UPS} and {s.carrier for s in scans} == {"ups"}


def test_the_fixture_covers_every_mapped_code():
    package = fixture("ups_track_every_code.json")["payload"]["trackResponse"]["shipment"][0]["package"][0]
    statuses = [a["status"] for a in package["activity"]]
    assert set(codes.STATUS_CODE) <= {s.get("statusCode") for s in statuses}
    assert set(codes.TYPE_AND_CODE) <= {f"{s['type']}:{s.get('code')}" for s in statuses}
    assert set(codes.TYPE_ONLY) <= {s["type"] for s in statuses}


def test_gmt_fields_order_events_and_local_time_with_offset_is_the_fallback():
    activity = {"status": {"type": "I", "code": "AR"}, "date": "20250608", "time": "230000", "gmtOffset": "-07:00"}
    package = {"trackingNumber": UPS, "activity": [activity]}
    [local] = parse({"trackResponse": {"shipment": [{"package": [package]}]}})
    activity.update(gmtDate="20250609", gmtTime="06:00:00", time="000000")
    [gmt] = parse({"trackResponse": {"shipment": [{"package": [package]}]}})
    assert local.occurred_at == gmt.occurred_at == datetime(2025, 6, 9, 6, 0, tzinfo=UTC)


def test_out_for_delivery_under_type_i_is_not_in_transit():
    [scan] = parse({"trackingNumber": UPS, "activityStatus": {"type": "I", "code": "OT"},
                    "gmtActivityDate": "20250611", "gmtActivityTime": "150000"})
    assert scan.status == "out_for_delivery"


def test_a_customs_release_under_type_x_is_not_a_hold():
    [scan] = parse({"trackingNumber": UPS, "activityStatus": {"type": "X", "code": "DA", "statusCode": "013"},
                    "gmtActivityDate": "20250606", "gmtActivityTime": "150000"})
    assert (scan.status, scan.milestone, scan.reason) == ("in_transit", "import_customs_released", None)


def test_a_not_found_warning_yields_no_scans():
    payload = {"trackResponse": {"shipment": [{"inquiryNumber": UPS, "warnings": [{"code": "TW0001"}]}]}}
    assert parse(payload) == []


def test_track_api_and_track_alert_give_one_scan_id_for_one_event():
    alert = parse({"trackingNumber": UPS, "activityStatus": {"type": "I", "code": "OT", "statusCode": "021"},
                   "gmtActivityDate": "20250611", "gmtActivityTime": "150000"})
    track = parse({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [{
        "status": {"type": "I", "code": "OT", "statusCode": "021"}, "gmtDate": "20250611", "gmtTime": "15:00:00",
    }]}]}]}})
    assert alert[0].scan_id == track[0].scan_id


@pytest.mark.parametrize("payload, where", [
    ({"trackResponse": {}}, "shipment"),
    ({"trackResponse": {"shipment": [{"package": [{"activity": []}]}]}}, "trackingNumber"),
    ({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": "I", "gmtDate": "20250608", "gmtTime": "230000"}]}]}]}}, "status must be an object"),
    ({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": {"type": "I", "code": "AR"}, "date": "20250608", "time": "230000"}]}]}]}}, "gives its zone"),
    ({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": {"type": "I", "code": "AR"}, "gmtDate": "2025-06-08", "gmtTime": "230000"}]}]}]}}, "YYYYMMDD"),
    ({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": {"type": "I", "code": "AR"}, "gmtDate": "20250608", "gmtTime": "25:00:00"}]}]}]}}, "out of range"),
    ({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": {"type": "I", "code": "AR"}, "date": "20250608", "time": "230000", "gmtOffset": "PST"}]}]}]}},
     "gmtOffset"),
    ({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [
        {"status": {"type": "I", "code": "AR"}, "date": "00010101", "time": "000000", "gmtOffset": "+08:00"}]}]}]}},
     "out of range"),
    ({"trackingNumber": " ", "activityStatus": {"type": "I", "code": "OT"}, "gmtActivityDate": "20250611",
      "gmtActivityTime": "150000"}, "trackingNumber is missing"),
    ({"trackingNumber": UPS * 3, "activityStatus": {"type": "I", "code": "OT"}, "gmtActivityDate": "20250611",
      "gmtActivityTime": "150000"}, "trackingNumber is longer than 40"),
    ({"trackingNumber": UPS, "activityStatus": {"type": "I"}, "gmtActivityDate": "20250611",
      "gmtActivityTime": "150000"}, "neither code nor statusCode"),
    ({"trackingNumber": UPS, "activityStatus": {"type": "I", "code": "OT"}}, "gmtActivityDate"),
    ({"trackingNumber": UPS, "gmtActivityDate": "20250611", "gmtActivityTime": "150000"}, "activityStatus"),
    ([], "trackResponse"),
    ({"hello": "world"}, "trackResponse"),
])
def test_malformed_payloads_say_where(payload, where):
    assert re.search(where, complaint(parse_payload, payload))


@pytest.mark.parametrize("location", ["Louisville, KY", {"address": "Louisville, KY"}, ["KY"]])
def test_a_track_api_location_that_is_not_an_object_counts_as_absent(location):
    activity = {"location": location, "status": {"type": "I", "code": "AR"}, "gmtDate": "20250608",
                "gmtTime": "230000"}
    [scan] = parse({"trackResponse": {"shipment": [{"package": [{"trackingNumber": UPS, "activity": [activity]}]}]}})
    assert scan.location == Location() and scan.status == "in_transit"
