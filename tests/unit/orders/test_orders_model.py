from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from services.orders.domain.model import (
    PARCEL_TO_ORDER,
    Booking,
    CancellationNotAllowed,
    Order,
    Rejection,
)
from shared.events.schemas.vocabulary import Status

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
BOOKING = Booking("JV1234567890", "SF1234567890123", "1Z999AA10123456784", "2025-06-12")


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _order() -> Order:
    order = Order.place("ord_x", "shp_a", {"shipper_reference": "r"}, "f" * 64, T0)
    order.events.clear()
    return order


def _follow(order: Order, status: str, minute: int, scanned: bool = True, reason: str | None = None) -> None:
    order.follow_parcel(status, _at(minute), scanned, reason, _at(minute))


def test_a_placed_order_announces_itself():
    order = Order.place("ord_x", "shp_a", {"shipper_reference": "r"}, "f" * 64, T0)
    assert order.status == "placed"
    assert [kind for kind, _ in order.events] == ["order.placed"]
    assert order.events[0][1]["order_id"] == "ord_x"


def test_an_order_follows_its_parcel_to_delivery():
    order = _order()
    order.book(BOOKING, _at(1))
    _follow(order, "picked_up", 2)
    _follow(order, "out_for_delivery", 3)
    _follow(order, "delivered", 4)
    assert order.status == "delivered"
    assert [h.status for h in order.history] == ["placed", "booked", "in_transit", "delivered"]
    assert order.booking == BOOKING


def test_a_refused_booking_rejects_the_order_with_its_reason():
    order = _order()
    order.reject(Rejection("overweight", "parcel 0 weighs 80 kg"), _at(1))
    assert order.status == "rejected"
    assert order.history[-1].reason == "parcel 0 weighs 80 kg"


@pytest.mark.parametrize("late", ["in_transit", "on_hold", "picked_up"])
def test_a_delivered_order_never_goes_back(late):
    order = _order()
    _follow(order, "delivered", 5)
    _follow(order, late, 6)
    assert order.status == "delivered"


def test_an_older_tracking_event_changes_nothing():
    order = _order()
    _follow(order, "out_for_delivery", 5)
    _follow(order, "on_hold", 4)
    assert order.status == "in_transit"


def test_an_exception_clears_when_the_parcel_moves_again():
    order = _order()
    _follow(order, "on_hold", 1, reason="customs_inspection")
    assert (order.status, order.history[-1].reason) == ("exception", "customs_inspection")
    _follow(order, "in_transit", 2)
    assert order.status == "in_transit"


@pytest.mark.parametrize(("parcel", "expected"), [
    ("picked_up", "in_transit"), ("delivery_delayed", "in_transit"), ("ready_for_pickup", "in_transit"),
    ("delivered", "delivered"), ("delivery_failed", "exception"), ("on_hold", "exception"),
    ("return_to_sender", "returned"), ("cancelled", "cancelled"), ("pending", "placed"), ("unknown", "placed"),
])
def test_parcel_statuses_map_to_order_statuses(parcel, expected):
    order = _order()
    _follow(order, parcel, 1, scanned=False)
    assert order.status == expected


def test_every_tracking_status_has_a_mapping():
    assert set(PARCEL_TO_ORDER) == set(get_args(Status))


def test_a_repeated_status_adds_no_history():
    order = _order()
    _follow(order, "in_transit", 1)
    _follow(order, "in_transit", 2)
    assert [h.status for h in order.history] == ["placed", "in_transit"]


@pytest.mark.parametrize("booked", [False, True])
def test_an_order_without_a_carrier_scan_can_be_cancelled(booked):
    order = _order()
    if booked:
        order.book(BOOKING, _at(1))
    order.cancel("changed mind", _at(2))
    assert order.status == "cancelled"
    assert order.events == [("order.cancelled", {"order_id": "ord_x", "shipper_id": "shp_a", "reason": "changed mind"})]


def test_an_order_scanned_by_a_carrier_cannot_be_cancelled():
    order = _order()
    order.book(BOOKING, _at(1))
    _follow(order, "picked_up", 2)
    with pytest.raises(CancellationNotAllowed, match="first physical carrier scan"):
        order.cancel(None, _at(3))
    assert order.status == "in_transit"
    assert order.events == []


def test_an_ended_order_cannot_be_cancelled():
    order = _order()
    order.reject(Rejection("prohibited", "lithium batteries"), _at(1))
    with pytest.raises(CancellationNotAllowed, match="rejected"):
        order.cancel(None, _at(2))


def test_cancelling_twice_announces_once():
    order = _order()
    order.cancel(None, _at(1))
    order.events.clear()
    order.cancel(None, _at(2))
    assert order.events == []
    assert [h.status for h in order.history] == ["placed", "cancelled"]


def test_a_booking_after_the_cancel_keeps_the_order_cancelled():
    order = _order()
    order.cancel(None, _at(1))
    order.book(BOOKING, _at(2))
    assert order.status == "cancelled"
    assert order.booking == BOOKING


def test_a_refused_cancellation_lets_the_parcel_drive_the_order_again():
    order = _order()
    order.book(BOOKING, _at(1))
    order.cancel(None, _at(2))
    _follow(order, "picked_up", 3)  # the carrier had it already: the order stays cancelled for now
    assert order.status == "cancelled"
    order.refuse_cancellation("picked up at 08:03", _at(4))
    assert order.status == "in_transit"
    assert order.cancellation_refused_reason == "picked up at 08:03"
    assert order.history[-1].reason == "cancellation refused: picked up at 08:03"
    _follow(order, "delivered", 5)
    assert order.status == "delivered"


def test_a_refusal_before_any_scan_returns_to_booked():
    order = _order()
    order.book(BOOKING, _at(1))
    order.cancel(None, _at(2))
    order.refuse_cancellation("already handed to SF", _at(3))
    assert order.status == "booked"


def test_a_shipment_cancelled_by_shipping_cancels_the_order():
    order = _order()
    order.book(BOOKING, _at(1))
    order.confirm_cancelled(_at(2))
    assert order.status == "cancelled"
