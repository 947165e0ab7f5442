"""The consumer's unit on the real store and broker: what a poll leaves stored and published."""

from dataclasses import replace

import pytest

from services.shipping.domain.numbers import new_sf_waybill, new_ups_number, shipment_id_for_order
from services.shipping.worker import shipping_unit
from shared.batch.mongo_store import MongoDocumentStore
from shared.events.envelope import decode
from tests.integration.shared.kafka_helpers import read_all
from tests.integration.shipping.shipping_store_samples import order_cancelled, order_placed, picked_up

pytestmark = pytest.mark.integration


def _published(settings, topic, expected):
    return [decode(record.value) for record in read_all(settings.kafka, topic, expected, timeout=5)]


def test_the_same_order_placed_twice_books_once_with_the_same_numbers(settings, unit, db, shipments_topic):
    event = order_placed()
    assert unit.apply([event, event]) == []
    stored = db.shipments.find_one()
    unit.forget()  # as a restarted consumer: the store, not the cache, answers
    unit.apply([event, order_placed()])  # redelivered, and republished by the orders outbox under a new id
    assert db.shipments.count_documents({}) == 1
    assert db.shipments.find_one() == stored
    assert stored["_id"] == shipment_id_for_order("ord_001") and stored["outbox"] == []
    (booked,) = _published(settings, shipments_topic, expected=2)
    assert (booked.short_type, booked.subject) == ("shipment.booked", stored["_id"])
    assert booked.data["sf_waybill"] == stored["sf_waybill"]
    assert booked.data["customs"]["us_entry_type"] == "01"  # USD 3,000 declared
    assert booked.data["customs"]["duty_payer"] == "recipient"  # DAP
    assert booked.data["legs"][2]["destination"] == "JFK"
    assert db.outbox_hints.count_documents({}) == 0


def test_a_refused_order_stores_one_booking_failed_event(settings, unit, db, shipments_topic):
    event = order_placed(parcels=[{"weight_kg": "69", "length_cm": "10", "width_cm": "10", "height_cm": "10"}])
    unit.apply([event])
    unit.forget()
    unit.apply([event])
    assert db.shipments.count_documents({}) == 0
    assert db.bookings.find_one({"_id": "ord_001"})["reason_code"] == "overweight"
    (failed,) = _published(settings, shipments_topic, expected=2)
    assert (failed.short_type, failed.subject, failed.data["reason_code"]) == (
        "shipment.booking_failed", "ord_001", "overweight")


def test_cancel_before_pickup_and_refusal_after_pickup(settings, unit, db, shipments_topic):
    unit.apply([order_placed("ord_001"), order_placed("ord_002")])
    second = shipment_id_for_order("ord_002")
    unit.apply([picked_up(second), order_cancelled("ord_001"), order_cancelled("ord_002")])
    statuses = {d["order_id"]: d["status"] for d in db.shipments.find()}
    assert statuses == {"ord_001": "cancelled", "ord_002": "picked_up"}
    types = sorted(event.short_type for event in _published(settings, shipments_topic, expected=4))
    assert types == ["shipment.booked", "shipment.booked", "shipment.cancellation_refused", "shipment.cancelled"]


def test_a_taken_carrier_number_is_drawn_again_against_the_real_unique_index(deps, db, publisher):
    taken = {"sf_waybill": new_sf_waybill(lambda bound: 0),
             "ups_tracking_number": new_ups_number(lambda bound: 0, "express")}
    db.shipments.insert_one({"_id": "PBTAKEN", "order_id": "ord_taken", "version": 1, **taken})
    draws = iter([0, 0])  # the booking first draws exactly the numbers already in use, then 1s
    unit = shipping_unit(replace(deps, randbelow=lambda bound: next(draws, 1)), MongoDocumentStore(db), publisher)
    assert unit.apply([order_placed("ord_001")]) == []
    booked = db.shipments.find_one({"_id": shipment_id_for_order("ord_001")})
    assert (booked["sf_waybill"], booked["ups_tracking_number"]) == (
        new_sf_waybill(lambda bound: 1), new_ups_number(lambda bound: 1, "express"))


def test_cancelling_an_unknown_order_stores_nothing(unit, db):
    assert unit.apply([order_cancelled("ord_404")]) == []
    assert db.shipments.count_documents({}) == db.bookings.count_documents({}) == 0
