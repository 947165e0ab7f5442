from datetime import date, timedelta
from itertools import pairwise

import pytest

from services.shipping.domain import planning
from services.shipping.domain.model import Party
from shared.events.schemas.orders import US_STATES
from tests.unit.shipping.shipping_samples import NOW, make_order, order_placed_data


def _sender(city: str, province: str) -> Party:
    return Party("n", "1", ("a",), city, province, "518000", "CN")


@pytest.mark.parametrize(("city", "province", "gateway"), [
    ("Shenzhen", "Guangdong", "SZX"),
    ("Dongguan", "Guangdong", "SZX"),
    ("Guangzhou", "Guangdong", "CAN"),
    ("Foshan", "Guangdong Province", "CAN"),
    ("Zhuhai", "Guangdong", "HKG"),
    ("Yiwu", "Zhejiang", "PVG"),
    ("Suzhou", "江苏省", "PVG"),
    ("深圳市", "广东省", "SZX"),
    ("Wuhan", "Hubei", "EHU"),
    ("Chengdu", "Sichuan", "EHU"),
])
def test_the_export_gateway_is_chosen_by_origin(city, province, gateway):
    assert planning.origin_gateway(_sender(city, province)).code == gateway


@pytest.mark.parametrize(("state", "gateway"), [
    ("CA", "LAX"), ("UT", "ONT"), ("NY", "JFK"), ("IL", "ORD"), ("TX", "DFW"), ("AK", "ANC"),
    ("WA", "SEA"), ("PR", "SJU"),
])
def test_the_us_gateway_is_chosen_by_destination_state(state, gateway):
    assert planning.us_gateway(state) == gateway


def test_legs_run_sf_first_mile_to_ups_last_mile_back_to_back():
    legs = planning.plan_legs(make_order(), "11", NOW)
    assert [(leg.leg, leg.carrier) for leg in legs] == [
        ("first_mile", "sf_express"), ("export_customs", "sf_express"), ("air_linehaul", "jv"),
        ("import_customs", "ups"), ("last_mile", "ups"),
    ]
    assert legs[0].planned_start == NOW
    assert all(a.planned_end == b.planned_start for a, b in pairwise(legs))
    assert legs[0].origin == "Shenzhen"
    assert legs[2].origin == "SZX" and legs[2].destination == "LAX"
    assert legs[4].destination == "Los Angeles, CA 90012"


def test_a_formal_entry_plans_a_longer_import_clearance():
    informal = planning.plan_legs(make_order(), "11", NOW)[3]
    formal = planning.plan_legs(make_order(), "01", NOW)[3]
    assert formal.planned_end - formal.planned_start > informal.planned_end - informal.planned_start


def test_express_is_promised_earlier_than_standard():
    standard = make_order()
    express = make_order(service_level="express")
    promise = {
        order.service_level: planning.promised_delivery_date(planning.plan_legs(order, "11", NOW),
                                                             order.service_level)
        for order in (standard, express)
    }
    assert promise["express"] < promise["standard"]
    # 158 planned hours from Monday 08:00 end on Sunday 7 Sept; +2 days margin.
    assert promise["standard"] == date(2025, 9, 9)


def test_a_promise_never_falls_on_a_sunday():
    recipient = {**order_placed_data()["recipient"], "state": "NY", "zip": "10001", "city": "New York"}
    order = make_order(recipient=recipient)
    for hours in range(0, 24 * 7, 6):
        legs = planning.plan_legs(order, "11", NOW + timedelta(hours=hours))
        assert planning.promised_delivery_date(legs, "standard").weekday() != 6


def test_every_state_the_orders_schema_accepts_is_served_or_refused_with_a_reason():
    for state in US_STATES:
        assert (planning.us_gateway(state) is None) == (state in planning.UNSERVED_DESTINATIONS), state
