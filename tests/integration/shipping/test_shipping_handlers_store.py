import pytest
from shipping_store_samples import order_cancelled, order_placed, picked_up

from services.shipping.handlers import book_shipment, cancel_shipment, note_pickup
from shared.events.envelope import from_document

pytestmark = pytest.mark.integration


def _outbox(db):
    return [from_document(entry) for name in ("shipments", "bookings")
            for document in db[name].find() for entry in document.get("outbox", [])]


def test_the_same_order_placed_twice_books_once_with_the_same_numbers(deps, db):
    event = order_placed()
    book_shipment(event, deps)
    stored = db.shipments.find_one()
    book_shipment(event, deps)
    book_shipment(order_placed(), deps)  # republished by the orders outbox under a new event id
    assert db.shipments.count_documents({}) == 1
    assert db.shipments.find_one() == stored
    (booked,) = _outbox(db)
    assert booked.short_type == "shipment.booked"
    assert booked.data["sf_waybill"] == stored["sf_waybill"]
    assert booked.data["customs"]["us_entry_type"] == "01"  # USD 3,000 declared
    assert booked.data["customs"]["duty_payer"] == "recipient"  # DAP
    assert booked.data["legs"][2]["destination"] == "JFK"


def test_a_refused_order_stores_one_booking_failed_event(deps, db):
    event = order_placed(parcels=[{"weight_kg": "69", "length_cm": "10", "width_cm": "10", "height_cm": "10"}])
    book_shipment(event, deps)
    book_shipment(event, deps)
    assert db.shipments.count_documents({}) == 0
    (failed,) = _outbox(db)
    assert (failed.short_type, failed.subject, failed.data["reason_code"]) == (
        "shipment.booking_failed", "ord_001", "overweight")


def test_cancel_before_pickup_and_refusal_after_pickup(deps, db):
    book_shipment(order_placed("ord_001"), deps)
    book_shipment(order_placed("ord_002"), deps)
    second = db.shipments.find_one({"order_id": "ord_002"})["_id"]
    note_pickup(picked_up(second), deps)
    cancel_shipment(order_cancelled("ord_001"), deps)
    cancel_shipment(order_cancelled("ord_002"), deps)
    statuses = {d["order_id"]: d["status"] for d in db.shipments.find()}
    assert statuses == {"ord_001": "cancelled", "ord_002": "picked_up"}
    types = sorted(event.short_type for event in _outbox(db))
    assert types == ["shipment.booked", "shipment.booked", "shipment.cancellation_refused", "shipment.cancelled"]


def test_cancelling_an_unknown_order_stores_nothing(deps, db):
    cancel_shipment(order_cancelled("ord_404"), deps)
    assert db.shipments.count_documents({}) == db.bookings.count_documents({}) == 0
