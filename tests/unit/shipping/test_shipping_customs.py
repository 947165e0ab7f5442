from decimal import Decimal

import pytest

from services.shipping.domain import customs
from tests.unit.shipping.shipping_samples import customs_with, item, make_order


def test_declared_value_is_converted_to_usd_with_the_fixed_table():
    order = make_order(customs=customs_with(item(unit_value="100.00", currency="CNY", quantity=3),
                                            item(unit_value="10.00", currency="USD")))
    assert customs.declared_value_usd(order.items) == Decimal("52.00")


@pytest.mark.parametrize(("value", "entry"), [("0.01", "11"), ("2499.99", "11"), ("2500.00", "01"), ("9000", "01")])
def test_entry_type_is_informal_under_2500_usd_and_formal_from_it(value, entry):
    assert customs.entry_type(Decimal(value)) == entry


def test_there_is_no_de_minimis_a_small_parcel_still_owes_duties():
    declaration = customs.declare(make_order(customs=customs_with(item(unit_value="20.00"))))
    assert declaration.us_entry_type == "11"
    assert declaration.duties_estimate_usd > 0


def test_duties_add_the_china_origin_tariff_to_the_chapter_rate():
    # Knitted apparel (chapter 61): 16 % MFN + 20 % China-origin = 36 % of USD 100.
    declaration = customs.declare(make_order(customs=customs_with(item(unit_value="100.00"))))
    assert declaration.duties_estimate_usd == Decimal("36.00")


def test_goods_of_another_origin_pay_only_the_chapter_rate():
    declaration = customs.declare(make_order(customs=customs_with(item(unit_value="100.00", origin_country="VN"))))
    assert declaration.duties_estimate_usd == Decimal("16.00")


def test_a_formal_entry_adds_the_merchandise_processing_fee():
    # Toys (chapter 95): 0 % MFN + 20 % of USD 3,000, plus the minimum MPF (0.3464 % = 10.39 < 33.58).
    declaration = customs.declare(make_order(customs=customs_with(item(hs_code="950300", unit_value="3000.00"))))
    assert declaration.us_entry_type == "01"
    assert declaration.duties_estimate_usd == Decimal("633.58")


@pytest.mark.parametrize(("incoterm", "payer"), [("DDP", "shipper"), ("DAP", "recipient")])
def test_duty_payer_follows_the_incoterm(incoterm, payer):
    declaration = customs.declare(make_order(customs=customs_with(item(), incoterm=incoterm)))
    assert declaration.duty_payer == payer
    assert declaration.incoterm == incoterm


def test_export_mode_defaults_to_9610_and_follows_the_order():
    assert customs.declare(make_order()).export_mode == "9610"
    b2b = make_order(customs=customs_with(item(), export_mode="9810"))
    assert customs.declare(b2b).export_mode == "9810"
