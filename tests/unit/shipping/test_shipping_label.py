import re

from services.shipping.adapters.label import render_label
from services.shipping.domain.booking import book
from services.shipping.domain.numbers import new_numbers
from tests.unit.shipping.shipping_samples import NOW, make_order, order_placed_data, parcel


def _shipment(**changes):
    return book(make_order(**changes), NOW, lambda: new_numbers(lambda bound: 42, "standard"))


def test_the_label_is_a_4x6_inch_pdf():
    pdf = render_label(_shipment())
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 288 432 ]" in pdf


def test_every_parcel_gets_its_own_page():
    pdf = render_label(_shipment(parcels=[parcel(), parcel(), parcel()]))
    assert re.search(rb"/Count 3\b", pdf)


def test_the_same_shipment_renders_the_same_bytes():
    assert render_label(_shipment()) == render_label(_shipment())


def test_a_sender_written_in_chinese_renders_with_a_cjk_font():
    sender = {**order_placed_data()["sender"], "name": "李伟", "address_lines": ["深圳市南山区科技路1号"]}
    pdf = render_label(_shipment(sender=sender))
    assert b"STSong-Light" in pdf
