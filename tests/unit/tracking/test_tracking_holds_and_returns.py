"""Issue 12 item 5: SF export holds on opCode 605 and completed returns, from realistic carrier payloads."""

# ruff: noqa: RUF001 -- SF writes its Chinese remarks and reason names with full-width punctuation.

import pytest

from services.tracking import messages
from services.tracking.carriers.sf.parse import parse as parse_sf
from services.tracking.carriers.ups.parse import parse as parse_ups
from shared.events.schemas.shipments import ShipmentBooked
from tests.unit.tracking.tracking_samples import SF, SHIPMENT, UPS, at, booked_data, scan


def _route(op: str, time: str, remark: str, **extra: str) -> dict:
    return {"id": f"25060{op}", "mailno": SF, "orderid": SHIPMENT, "acceptTime": time, "acceptAddress": "深圳市",
            "remark": remark, "opCode": op, **extra}


def _push(*routes: dict) -> dict:
    return {"Body": {"WaybillRoute": list(routes)}}


def _sf_scans(*routes: dict):
    parsed = parse_sf(_push(*routes))
    assert not parsed.refusals, parsed.refusals
    return [s.resolved(SHIPMENT) for s in parsed.scans]


def _tracker(*scans):
    tracker = messages.tracker_from_booking(ShipmentBooked.model_validate(booked_data()), at(1), at(1, 8))
    for s in scans:
        tracker.record(s, at(20), at(20))
    return tracker


@pytest.mark.parametrize(("code", "name", "reason"), [
    ("HG31", "海关查验", "customs_inspection"),
    ("HG32", "申报资料待补充", "customs_documentation"),
    ("HG33", "海关布控，延误放行", "customs_delay"),
    ("", "出口申报资料不全，待补充单证", "customs_documentation"),  # no code: the name's words decide
    ("HG99", "禁止出口物品", "customs_prohibited"),
    ("HG98", "其他原因", "unknown"),  # a hold we cannot explain is still a hold
])
def test_an_sf_customs_route_with_a_reason_is_an_export_hold_with_that_reason(code, name, reason):
    [hold] = _sf_scans(_route("605", "2025-06-03 11:20:00", f"海关暂扣：{name}", reasonCode=code, reasonName=name))

    assert (hold.status, hold.milestone, hold.reason) == ("on_hold", "export_customs_in_progress", reason)
    assert hold.raw_codes["opCode"] == "605" and hold.mapped_from == "opCode+reason"


def test_an_sf_customs_route_without_a_reason_or_that_clears_is_no_hold():
    declared, cleared = _sf_scans(
        _route("605", "2025-06-03 11:20:00", "快件已提交海关出口申报（9610 跨境电商零售）", secondaryStatusCode="204"),
        _route("605", "2025-06-03 20:00:00", "海关已放行，快件准备出口", secondaryStatusCode="205",
               reasonCode="HG33", reasonName="海关布控，延误放行"),
    )
    assert (declared.status, declared.milestone, declared.reason) == ("in_transit", "export_customs_in_progress", None)
    assert (cleared.status, cleared.milestone, cleared.reason) == ("in_transit", "export_customs_cleared", None)


def test_an_export_hold_holds_the_tracker_until_customs_clears_it():
    declared, held, cleared = _sf_scans(
        _route("605", "2025-06-03 11:20:00", "快件已提交海关出口申报", secondaryStatusCode="204"),
        _route("605", "2025-06-03 15:00:00", "海关暂扣：海关查验", secondaryStatusCode="204",
               reasonCode="HG31", reasonName="海关查验"),
        _route("605", "2025-06-04 10:00:00", "海关已放行，快件准备出口", secondaryStatusCode="205"),
    )
    on_hold = _tracker(declared, held).state
    assert (on_hold.status, on_hold.milestone, on_hold.reason) == (
        "on_hold", "export_customs_in_progress", "customs_inspection")
    moved_on = _tracker(declared, held, cleared).state
    assert (moved_on.status, moved_on.milestone, moved_on.reason) == ("in_transit", "export_customs_cleared", None)


def test_an_sf_returned_route_completes_the_return():
    returning = scan("return_to_sender", "returning", at(5, 9), carrier="sf_express", number=SF)
    [back] = _sf_scans(_route("631", "2025-06-08 16:40:00", "快件已退回，寄件人已签收"))

    assert (back.status, back.milestone) == ("return_to_sender", "returned")
    state = _tracker(returning, back).state
    assert (state.status, state.milestone) == ("return_to_sender", "returned")


def _activity(kind: str, code: str, status_code: str, text: str, day: str, time: str, city: str, state: str,
              postal: str) -> dict:
    address = {"city": city, "stateProvince": state, "postalCode": postal, "countryCode": "US", "country": "US"}
    return {"location": {"address": address}, "date": day, "time": time,
            "status": {"type": kind, "code": code, "statusCode": status_code, "description": text}}


def test_a_ups_delivery_after_a_return_started_is_the_return_completed_not_a_delivery():
    """The 1Z is delivered back to the shipper's US return address: UPS sends an ordinary type D."""
    payload = {"trackResponse": {"shipment": [{"inquiryNumber": UPS, "package": [{
        "trackingNumber": UPS,
        "currentStatus": {"type": "D", "code": "FS", "statusCode": "011", "description": "DELIVERED"},
        "activity": [  # newest first, local times only, as the Track API often answers
            _activity("D", "FS", "011", "DELIVERED", "20250612", "101500", "ONTARIO", "CA", "91761"),
            _activity("X", "RS", "033", "Returning to sender: the receiver refused the package.",
                      "20250609", "163000", "HOUSTON", "TX", "77002"),
            _activity("I", "OT", "021", "Out For Delivery Today", "20250609", "081200", "HOUSTON", "TX", "77002"),
        ],
    }]}]}}
    parsed = parse_ups(payload)
    assert not parsed.refusals, parsed.refusals
    tracker = _tracker(*(s.resolved(SHIPMENT) for s in parsed.scans))

    state = tracker.state
    assert (state.status, state.milestone) == ("return_to_sender", "returned")
    assert list(tracker.placed_milestones().values())[-3:] == ["out_for_delivery", "returning", "returned"]


def test_a_delivery_with_no_return_under_way_stays_a_delivery():
    out, delivered = scan("out_for_delivery", "out_for_delivery", at(7, 8)), scan("delivered", "delivered", at(7, 15))
    state = _tracker(out, delivered).state
    assert (state.status, state.milestone) == ("delivered", "delivered")
