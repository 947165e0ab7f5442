from datetime import timedelta

import pytest

from services.shipping.domain.booking import book
from services.shipping.domain.model import CannotCancel, Numbers, Refusal, Shipment, Status
from services.shipping.domain.numbers import new_numbers
from tests.unit.shipping.shipping_samples import NOW, make_order

NUMBERS = Numbers("PBGWYSWAHCD9N97", "SF1103136005593", "1ZPB8J240362290092")


def _shipment() -> Shipment:
    booked = book(make_order(), NOW, lambda: NUMBERS)
    assert isinstance(booked, Shipment)
    return booked


def test_a_booked_shipment_carries_numbers_legs_customs_and_a_promise():
    shipment = _shipment()
    assert shipment.numbers == NUMBERS
    assert shipment.status is Status.BOOKED
    assert len(shipment.legs) == 5
    assert shipment.customs.us_entry_type == "11"
    assert shipment.promised_delivery_date > NOW.date()


def test_a_refused_order_spends_no_numbers():
    def no_numbers():
        raise AssertionError("numbers drawn for a refused order")

    outcome = book(make_order(parcels=[{"weight_kg": "69", "length_cm": "1", "width_cm": "1", "height_cm": "1"}]),
                   NOW, no_numbers)
    assert isinstance(outcome, Refusal)


def test_a_shipment_not_picked_up_can_be_cancelled():
    cancelled = _shipment().cancel(NOW)
    assert cancelled.status is Status.CANCELLED
    assert cancelled.cancelled_at == NOW


def test_cancelling_twice_changes_nothing():
    cancelled = _shipment().cancel(NOW)
    assert cancelled.cancel(NOW + timedelta(hours=1)) is cancelled


def test_a_picked_up_shipment_cannot_be_cancelled():
    picked_up = _shipment().mark_picked_up(NOW)
    with pytest.raises(CannotCancel) as refusal:
        picked_up.cancel(NOW)
    assert refusal.value.reason_code == "already_picked_up"


def test_the_first_pickup_scan_wins():
    first = _shipment().mark_picked_up(NOW)
    assert first.mark_picked_up(NOW + timedelta(hours=2)) is first
    assert first.status is Status.PICKED_UP


def test_a_scan_after_cancellation_keeps_the_shipment_cancelled():
    scanned = _shipment().cancel(NOW).mark_picked_up(NOW + timedelta(hours=1))
    assert scanned.status is Status.CANCELLED
    assert scanned.picked_up_at is not None


def test_renumbering_keeps_the_booking():
    other = new_numbers(lambda bound: 0, "standard")
    renumbered = _shipment().renumbered(other)
    assert renumbered.numbers == other
    assert renumbered.legs == _shipment().legs
