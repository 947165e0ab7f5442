"""A cancel racing the booking, on the real store: the version guard's conflict is retried, never a 500."""

from __future__ import annotations

import threading

import pytest

from services.orders import handlers
from services.orders.adapters.repository import MongoOrderRepository
from services.orders.domain.commands import CancelOrder, PlaceOrder
from services.orders.domain.placement import OrderRequest
from shared.events.envelope import new_event
from tests.integration.orders.conftest import apply_polled

pytestmark = pytest.mark.integration
TRIES = 12


def _booked(order_id: str, shipper_id: str):
    return new_event("shipment.booked", f"JV-{order_id}", {
        "shipment_id": f"JV-{order_id}", "order_id": order_id, "shipper_id": shipper_id,
        "sf_waybill": "SF1234567890123", "ups_tracking_number": "1Z999AA10123456784", "service_level": "standard",
        "legs": [{"leg": "first_mile", "carrier": "sf_express", "origin": "Shenzhen", "destination": "SZX",
                  "planned_start": "2025-06-01T10:00:00Z", "planned_end": "2025-06-02T10:00:00Z"}],
        "promised_delivery_date": "2025-06-12",
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "20.00", "duty_payer": "shipper"},
    }, source="/parcelbridge/shipping")


def _placed(service, shipper_id: str, body: dict) -> str:
    command = PlaceOrder(shipper_id, OrderRequest.model_validate(body))
    return handlers.place_order(command, service.orders()).order.id


class BookedAfterRead(MongoOrderRepository):
    """The real repository; the consumer books the order right after the cancel's first read of it."""

    def __init__(self, service, shipper_id: str):
        super().__init__(service.database(), service.writer())
        self.book = lambda order_id: apply_polled(service, _booked(order_id, shipper_id))
        self.reads = 0

    def get(self, order_id: str):
        order = super().get(order_id)
        self.reads += 1
        if self.reads == 1:
            assert self.book(order_id) == []
        return order


def test_a_booking_written_between_the_cancels_read_and_write_is_read_again(service, shipper, body):
    order_id = _placed(service, shipper.id, body)
    orders = BookedAfterRead(service, shipper.id)

    handlers.cancel_order(CancelOrder(shipper.id, order_id, "changed my mind"), orders)

    assert orders.reads == 2  # the first write lost to the booking on the store's version guard
    stored = service.orders().get(order_id)
    assert stored.status == "cancelled" and stored.booking.sf_waybill == "SF1234567890123"
    assert [h.status for h in stored.history] == ["placed", "booked", "cancelled"]


def test_cancels_sent_while_the_consumer_books_answer_200_every_time(service, shipper, body):
    answers, states = [], []
    for _ in range(TRIES):
        order_id = _placed(service, shipper.id, body)
        start = threading.Barrier(2)

        def book(order_id=order_id, start=start):
            start.wait()
            apply_polled(service, _booked(order_id, shipper.id))

        booking = threading.Thread(target=book)
        booking.start()
        start.wait()
        response = shipper.call("POST", f"/v1/orders/{order_id}/cancel", "/v1/orders/{order_id}/cancel",
                                json={"reason": "race"})
        booking.join()
        answers.append(response.status_code)
        stored = service.orders().get(order_id)
        states.append(stored.status)
    assert answers == [200] * TRIES
    assert states == ["cancelled"] * TRIES
