"""SF Express payloads (golden fixtures) -> canonical scans."""

import json
import re
from datetime import UTC, datetime

import pytest

from services.tracking.carriers.sf import codes
from services.tracking.carriers.sf.parse import china_time_to_utc
from services.tracking.carriers.sf.parse import parse as parse_payload
from tests.unit.tracking.tracking_samples import SF, complaint, fixture

GOLDEN = ["sf_route_push_every_opcode.json", "sf_route_query_every_status.json", "sf_route_query_envelope.json"]


def parse(payload):
    """The scans of a payload whose every item is well formed."""
    parsed = parse_payload(payload)
    assert not parsed.refusals, parsed.refusals
    return parsed.scans



def _observed(scan) -> dict:
    return {"status": scan.status, "milestone": scan.milestone, "reason": scan.reason,
            "occurred_at": scan.occurred_at.isoformat(), "mapped_from": scan.mapped_from,
            "raw_codes": {k: v for k, v in scan.raw_codes.items() if k != "reasonCode"}}


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_payloads_parse_to_the_expected_scans(name):
    golden = fixture(name)
    scans = parse(golden["payload"])
    assert [_observed(s) for s in scans] == golden["expected"]
    assert {s.carrier for s in scans} == {"sf_express"} and {s.carrier_number for s in scans} == {SF}


def test_the_fixtures_cover_every_mapped_code():
    push = fixture("sf_route_push_every_opcode.json")["payload"]["Body"]["WaybillRoute"]
    routes = fixture("sf_route_query_every_status.json")["payload"]["routeResps"][0]["routes"]
    assert set(codes.OP_CODE) <= {r["opCode"] for r in push}
    assert set(codes.SECONDARY_STATUS) <= {r.get("secondaryStatusCode") for r in routes}
    assert set(codes.FIRST_STATUS) <= {r.get("firstStatusCode") for r in routes}


def test_china_time_without_a_zone_is_utc_plus_8():
    assert china_time_to_utc("2025-06-02 07:30:00", "t") == datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    assert china_time_to_utc("2025-06-02T07:30:00+00:00", "t") == datetime(2025, 6, 2, 7, 30, tzinfo=UTC)


def test_opcode_204_is_out_for_delivery_but_secondary_204_is_export_customs():
    push = parse({"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "2025-06-02 10:00:00", "opCode": "204"}]}})
    query = parse({"routeResps": [{"mailNo": SF, "routes": [
        {"acceptTime": "2025-06-02 10:00:00", "secondaryStatusCode": "204"}]}]})
    assert (push[0].status, push[0].milestone) == ("out_for_delivery", "out_for_delivery")
    assert (query[0].status, query[0].milestone) == ("in_transit", "export_customs_in_progress")


def test_a_push_and_a_query_of_the_same_route_have_one_scan_id():
    push = parse({"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "2025-06-02 10:00:00", "opCode": "50"}]}})
    query = parse({"routeResps": [{"mailNo": SF, "routes": [
        {"acceptTime": "2025-06-02 10:00:00", "opCode": "50", "secondaryStatusCode": "101"}]}]})
    assert push[0].scan_id == query[0].scan_id


def test_an_unmapped_opcode_is_kept_as_unknown_with_its_raw_code():
    [scan] = parse({"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "2025-06-02 10:00:00", "opCode": "8888",
                                                "remark": "新状态"}]}})
    assert scan.status == "unknown" and scan.unmapped and scan.raw_codes == {"opCode": "8888"}
    assert scan.raw_text == "新状态"


@pytest.mark.parametrize("payload, where", [
    ([], "JSON object"),
    ({"Body": {}}, "WaybillRoute"),
    ({"Body": {"WaybillRoute": [{"acceptTime": "2025-06-02 10:00:00", "opCode": "50"}]}}, "mailno"),
    ({"Body": {"WaybillRoute": [{"mailno": SF, "opCode": "50"}]}}, "acceptTime"),
    ({"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "yesterday", "opCode": "50"}]}}, "acceptTime"),
    ({"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "2025-06-02 10:00:00"}]}}, "opCode"),
    ({"Body": {"WaybillRoute": [{"mailno": {"x": 1}, "acceptTime": "2025-06-02 10:00:00", "opCode": "1"}]}}, "mailno"),
    ({"Body": {"WaybillRoute": [{"mailno": "  ", "acceptTime": "2025-06-02 10:00:00", "opCode": "1"}]}},
     "mailno is missing"),
    ({"Body": {"WaybillRoute": [{"mailno": SF * 3, "acceptTime": "2025-06-02 10:00:00", "opCode": "1"}]}},
     "mailno is longer than 40"),
    ({"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "0001-01-01 00:00:00", "opCode": "50"}]}},
     "out of range"),
    ({"routeResps": [{"mailNo": SF * 3, "routes": [{"acceptTime": "2025-06-02 10:00:00", "opCode": "50"}]}]},
     "mailNo is longer than 40"),
    ({"routeResps": [{"mailNo": SF}]}, "routes"),
    ({"apiResultCode": "A1006", "apiResultData": "{}"}, "A1006"),
    ({"apiResultCode": "A1000", "apiResultData": "not json"}, "apiResultData"),
    ({"apiResultCode": "A1000", "apiResultData": json.dumps({"success": False, "errorCode": "8003"})}, "8003"),
    ({"something": "else"}, "routeResps"),
])
def test_malformed_payloads_say_where(payload, where):
    assert re.search(where, complaint(parse_payload, payload))
