import pytest

from services.shipping.domain.refusals import PROHIBITED_HS, REASON_CODES, refusal_for
from tests.unit.shipping.shipping_samples import customs_with, item, make_order, order_placed_data, parcel


def test_an_ordinary_order_is_not_refused():
    assert refusal_for(make_order()) is None


def test_a_parcel_over_150_lb_is_overweight():
    refusal = refusal_for(make_order(parcels=[parcel(), parcel(weight="68.5")]))
    assert refusal.reason_code == "overweight"
    assert "parcels.1" in refusal.reason


def test_a_parcel_at_the_weight_limit_is_carried():
    assert refusal_for(make_order(parcels=[parcel(weight="68")])) is None


def test_length_plus_girth_over_419_cm_is_oversize_even_with_short_sides():
    refusal = refusal_for(make_order(parcels=[parcel(length="200", width="60", height="60")]))
    assert refusal.reason_code == "oversize"
    assert "length plus girth" in refusal.reason


def test_girth_is_measured_around_the_two_shorter_sides():
    # Longest side 150 -> 150 + 2 * (100 + 30) = 410: within 419 whichever way round it is given.
    assert refusal_for(make_order(parcels=[parcel(length="30", width="100", height="150")])) is None


@pytest.mark.parametrize(("hs_code", "why"), [
    ("930630", "arms and ammunition"),
    ("360410", "explosives"),
    ("850650", "lithium metal"),
    ("8507600010", "lithium-ion"),
    ("240220", "cigarettes"),
])
def test_prohibited_contents_are_refused(hs_code, why):
    refusal = refusal_for(make_order(customs=customs_with(item(), item(hs_code=hs_code))))
    assert refusal.reason_code == "prohibited_contents"
    assert why in refusal.reason
    assert "items.1" in refusal.reason


def test_batteries_packed_in_equipment_are_not_loose_batteries():
    assert refusal_for(make_order(customs=customs_with(item(hs_code="851712")))) is None  # phones


def test_an_unknown_currency_is_refused_before_anything_is_converted():
    refusal = refusal_for(make_order(customs=customs_with(item(currency="XAU"))))
    assert refusal.reason_code == "unsupported_currency"
    assert "XAU" in refusal.reason


@pytest.mark.parametrize(("state", "why"), [("AE", "APO/FPO"), ("GU", "customs territory"), ("VI", "customs")])
def test_military_addresses_and_separate_customs_territories_are_refused(state, why):
    recipient = {**order_placed_data()["recipient"], "state": state}
    refusal = refusal_for(make_order(recipient=recipient))
    assert refusal.reason_code == "unsupported_destination"
    assert why in refusal.reason


def test_puerto_rico_is_served_like_a_state():
    recipient = {**order_placed_data()["recipient"], "state": "PR"}
    assert refusal_for(make_order(recipient=recipient)) is None


def test_every_reason_code_is_machine_readable_and_listed():
    assert all(code.replace("_", "").isalpha() and code.islower() for code in REASON_CODES)
    assert {"93", "36"} <= set(PROHIBITED_HS)
