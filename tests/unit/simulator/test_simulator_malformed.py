"""Deliberately malformed traffic: broken carrier pushes, poison records, and when a run sends them."""

import json
from datetime import UTC, datetime

import pytest

from services.simulator.carriers import malformed, sf, ups
from services.simulator.mischief import Mischief
from services.simulator.poison import KINDS, POISON_HEADER, kind_for, poison
from shared.errors import InvalidEnvelope, SchemaViolation, UnknownEventType
from shared.events.envelope import decode
from tests.unit.simulator.simulator_samples import NONE, journey

AT = datetime(2026, 3, 1, 4, 5, 6, tzinfo=UTC)
WAYBILL, UPS_NUMBER, SHIPMENT = "SF1234567890128", "1ZCIETST0111111114", "PBGWYSWAHCD9N97"
SF_KINDS, UPS_KINDS = sorted(malformed.BREAKAGES["sf"]), sorted(malformed.BREAKAGES["ups"])


def _event(name: str):
    return next(event for event in journey(NONE).events if event.step.name == name)


def _sf_push(kind: str) -> malformed.MalformedPush:
    route = sf.route(_event("export_cleared"), WAYBILL, SHIPMENT, AT)
    return malformed.sf_push(route, kind, "mal-000000000001")


def _ups_push(kind: str) -> malformed.MalformedPush:
    return malformed.ups_push(ups.alert(_event("delivered"), UPS_NUMBER, AT, AT.date()), kind, "mal-000000000002")


def _route(push: malformed.MalformedPush) -> dict:
    (route,) = json.loads(push.body)["Body"]["WaybillRoute"]
    return route


def _alert(push: malformed.MalformedPush) -> dict:
    (alert,) = json.loads(push.body)
    return alert


@pytest.mark.parametrize("kind", [k for k in SF_KINDS if k != "not_json"])
def test_an_sf_malformed_push_is_a_real_route_with_the_marker_code_and_no_status_fields(kind):
    route = _route(_sf_push(kind))
    assert route["opCode"] == malformed.SF_MARKER_CODE and route["remark"] == malformed.marker_text("mal-000000000001")
    assert not {"firstStatusCode", "secondaryStatusCode", "reasonCode"} & set(route)
    assert route["mailno"].startswith(WAYBILL)


@pytest.mark.parametrize("kind", UPS_KINDS)
def test_a_ups_malformed_push_is_a_real_alert_with_the_marker_code_and_no_delivery_dates(kind):
    alert = _alert(_ups_push(kind))
    assert alert["activityStatus"] == {"type": "I", "code": malformed.UPS_MARKER_CODE,
                                       "description": malformed.marker_text("mal-000000000002")}
    assert alert["scheduledDeliveryDate"] == alert["actualDeliveryDate"] == ""


def test_each_sf_breakage_breaks_what_it_says():
    with pytest.raises(json.JSONDecodeError):
        json.loads(_sf_push("not_json").body)
    assert "acceptTime" not in _route(_sf_push("missing_accept_time"))
    assert _route(_sf_push("number_too_long"))["mailno"] == WAYBILL * 3
    bad_digest = _sf_push("bad_digest")
    assert _route(bad_digest)["acceptTime"] and not bad_digest.signed
    assert all(_sf_push(kind).signed for kind in SF_KINDS if kind != "bad_digest")


def test_each_ups_breakage_breaks_what_it_says():
    assert "gmtActivityTime" not in _alert(_ups_push("missing_time"))
    assert _alert(_ups_push("blank_number"))["trackingNumber"].strip() == ""
    assert _alert(_ups_push("iso_date"))["gmtActivityDate"] == "2026-03-01"
    wrong_credential = _ups_push("wrong_credential")
    assert _alert(wrong_credential)["trackingNumber"] == UPS_NUMBER and not wrong_credential.signed
    assert all(_ups_push(kind).signed for kind in UPS_KINDS if kind != "wrong_credential")


def test_a_push_names_the_parcel_it_was_built_from_and_what_is_wrong():
    push = _sf_push("number_too_long")
    assert (push.carrier, push.kind, push.number, push.push_id) == ("sf", "number_too_long", WAYBILL,
                                                                    "mal-000000000001")
    assert push.wrong == malformed.BREAKAGES["sf"]["number_too_long"].wrong


@pytest.mark.parametrize("secret", ["local-dev-sf-check-word", "", "a", "-not-ours"])
def test_an_unsigned_push_gets_a_secret_that_is_never_ours(secret):
    assert malformed.secret_for(_sf_push("bad_digest"), secret) != secret
    assert malformed.secret_for(_sf_push("missing_accept_time"), secret) == secret


@pytest.mark.parametrize(("kind", "error"), [
    ("not_json", InvalidEnvelope), ("not_a_cloudevent", InvalidEnvelope), ("schema_violation", SchemaViolation),
    ("unknown_version", UnknownEventType),
])
def test_every_poison_record_fails_to_decode_as_its_kind_says(kind, error):
    item = poison(kind, "0b5e7b1c-6a1e-4f0e-9d7e-3c2b1a000001", SHIPMENT, AT)
    with pytest.raises(error):
        decode(item.record.value)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_poison_record_is_keyed_by_its_shipment_and_carries_its_id_in_a_header_and_its_value(kind):
    poison_id = "0b5e7b1c-6a1e-4f0e-9d7e-3c2b1a000002"
    record = poison(kind, poison_id, SHIPMENT, AT).record
    assert (record.topic, record.key) == ("carrier-scans.v1", SHIPMENT.encode())
    assert (POISON_HEADER, poison_id.encode()) in record.headers
    assert ("content-type", b"application/cloudevents+json") in record.headers
    assert poison_id in record.value.decode()


def test_poison_kinds_come_round_in_turn():
    assert [kind_for(i) for i in range(len(KINDS) + 1)] == [*KINDS, next(iter(KINDS))]


def test_no_malformed_push_without_a_probability_and_one_per_request_with_certainty():
    assert all(Mischief(1, 0.0, 0).next_push("sf") is None for _ in range(50))
    always = Mischief(1, 1.0, 0)
    planned = [always.next_push(carrier) for carrier in ["sf", "ups"] * 4]
    assert all(planned) and len({push_id for _, push_id in planned}) == len(planned)


def test_a_carrier_s_malformed_pushes_take_each_kind_in_turn():
    always = Mischief(2, 1.0, 0)
    assert sorted(always.next_push("sf")[0] for _ in SF_KINDS) == SF_KINDS
    assert sorted(always.next_push("ups")[0] for _ in UPS_KINDS) == UPS_KINDS
    assert malformed.kind_for("sf", len(SF_KINDS)) == malformed.kind_for("sf", 0)


def test_the_same_seed_plans_the_same_mischief():
    first, second = Mischief(7, 0.5, 3), Mischief(7, 0.5, 3)
    assert [first.next_push("ups") for _ in range(20)] == [second.next_push("ups") for _ in range(20)]
    assert first.next_poison(SHIPMENT, AT) == second.next_poison(SHIPMENT, AT)


def test_poison_records_stop_at_the_count():
    mischief = Mischief(3, 0.0, 2)
    produced = [mischief.next_poison(f"PB{i}", AT) for i in range(4)]
    assert [p.kind if p else None for p in produced] == [kind_for(0), kind_for(1), None, None]
    assert produced[0].poison_id != produced[1].poison_id
