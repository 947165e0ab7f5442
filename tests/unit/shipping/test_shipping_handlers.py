"""The shipping consumer's unit on fakes: what a poll leaves stored and published, and what it costs."""

from dataclasses import replace
from datetime import timedelta

import pytest

from services.shipping.adapters.repository import BOOKINGS, SHIPMENTS, shipment_from
from services.shipping.domain.model import Status
from services.shipping.domain.numbers import (
    new_sf_waybill,
    new_ups_number,
    shipment_id_for_order,
)
from services.shipping.worker import shipping_unit
from shared.errors import BusinessRuleViolation
from shared.events.envelope import from_document, new_event, to_document
from shared.numbers import is_sf_waybill, is_shipment_id, is_ups_number
from tests.unit.shipping.shipping_samples import NOW, customs_with, item, order_placed_data, parcel


def placed(order_id="ord_001", **changes):
    return new_event("order.placed", order_id, order_placed_data(order_id=order_id, **changes),
                     source="/parcelbridge/orders", request_id="req-1")


def cancelled(order_id="ord_001", shipper_id="shp_a"):
    return new_event("order.cancelled", order_id, {"order_id": order_id, "shipper_id": shipper_id},
                     source="/parcelbridge/orders")


def status_changed(shipment_id, physically_scanned=True, status="picked_up", hours=3):
    data = {"shipment_id": shipment_id, "order_id": "ord_001", "status": status,
            "milestone": "first_mile_picked_up", "previous_status": "pending", "leg": "first_mile",
            "carrier": "sf_express", "occurred_at": NOW + timedelta(hours=hours),
            "physically_scanned": physically_scanned}
    return new_event("tracking.status_changed", shipment_id, data, source="/parcelbridge/tracking")


def key_event(short_type, key_hash="a" * 64):
    data = {"shipper_id": "shp_a", "key_id": "k1", "key_hash": key_hash}
    if short_type == "shipper.key_issued":
        data["shipper_name"] = "A"
    return new_event(short_type, "shp_a", data, source="/parcelbridge/orders")


def _types(publisher):
    return [event.short_type for event in publisher.published]


def _shipments(store):
    return {doc_id: shipment_from(document) for doc_id, document in store.documents(SHIPMENTS).items()}


def _booked(unit, store):
    assert unit.apply([placed()]) == []
    return _shipments(store)[shipment_id_for_order("ord_001")]


def test_a_placed_order_is_booked_under_its_own_id_and_published_by_the_consumer(unit, store, publisher):
    shipment = _booked(unit, store)
    assert shipment.shipment_id == shipment_id_for_order("ord_001") and is_shipment_id(shipment.shipment_id)
    assert is_sf_waybill(shipment.sf_waybill) and is_ups_number(shipment.ups_tracking_number)
    (event,) = publisher.published
    assert (event.short_type, event.subject, event.requestid) == ("shipment.booked", shipment.shipment_id, "req-1")
    assert event.source == "/parcelbridge/shipping"
    assert event.data["customs"]["duty_payer"] == "shipper"
    assert from_document(to_document(event)) == event  # valid against the shipments.v1 schema
    assert store.documents(SHIPMENTS)[shipment.shipment_id]["outbox"] == [] and store.hints == set()


def test_the_same_order_placed_twice_in_one_poll_or_two_books_once(unit, store, publisher):
    event = placed()
    unit.apply([event, event])
    unit.apply([event])
    assert list(_shipments(store)) == [shipment_id_for_order("ord_001")]
    assert _types(publisher) == ["shipment.booked"]


def test_a_republished_order_placed_with_a_new_event_id_books_once_and_writes_nothing(unit, store, publisher):
    first = _booked(unit, store)
    commands = list(store.commands)
    unit.apply([placed()])
    assert _shipments(store) == {first.shipment_id: first}
    assert _types(publisher) == ["shipment.booked"]
    assert store.commands == commands  # the cached shipment answers: no read, no write


def test_a_taken_carrier_number_is_drawn_again_and_only_the_new_numbers_are_published(deps, store, publisher):
    shipping_unit(replace(deps, randbelow=lambda bound: 0), store, publisher).apply([placed("ord_001")])
    draws = iter([0, 0])  # the second order first draws exactly the numbers already in use, then 1s
    unit = shipping_unit(replace(deps, randbelow=lambda bound: next(draws, 1)), store, publisher)
    assert unit.apply([placed("ord_002")]) == []
    second = _shipments(store)[shipment_id_for_order("ord_002")]
    assert (second.sf_waybill, second.ups_tracking_number) == (
        new_sf_waybill(lambda bound: 1), new_ups_number(lambda bound: 1, "standard"))
    assert [e.data["sf_waybill"] for e in publisher.published] == [new_sf_waybill(lambda b: 0), second.sf_waybill]


def test_an_order_whose_shipment_id_is_taken_by_another_order_is_refused_alone(unit, store, publisher):
    shipment = _booked(unit, store)
    taken = {**store.documents(SHIPMENTS)[shipment.shipment_id], "order_id": "ord_other"}
    store.documents(SHIPMENTS)[shipment.shipment_id] = taken
    unit.forget()
    [(event, error)] = unit.apply([placed(), placed("ord_002")])
    assert event.data["order_id"] == "ord_001" and isinstance(error, BusinessRuleViolation)
    assert shipment_id_for_order("ord_002") in _shipments(store)


@pytest.mark.parametrize(("changes", "code"), [
    ({"parcels": [parcel(weight="69")]}, "overweight"),
    ({"parcels": [parcel(length="250", width="80", height="40")]}, "oversize"),
    ({"customs": customs_with(item(hs_code="930200"))}, "prohibited_contents"),
    ({"customs": customs_with(item(currency="XAU"))}, "unsupported_currency"),
])
def test_a_refused_order_gets_booking_failed_with_the_reason_code(unit, store, publisher, changes, code):
    assert unit.apply([placed(**changes)]) == []
    assert _shipments(store) == {}
    assert store.documents(BOOKINGS)["ord_001"]["reason_code"] == code
    (event,) = publisher.published
    assert (event.short_type, event.subject, event.data["reason_code"]) == ("shipment.booking_failed", "ord_001", code)


def test_a_refused_order_delivered_twice_is_refused_once(unit, publisher):
    event = placed(parcels=[parcel(weight="69")])
    unit.apply([event])
    unit.apply([event, placed(parcels=[parcel(weight="69")])])
    assert _types(publisher) == ["shipment.booking_failed"]


def test_cancelling_before_pickup_cancels_the_shipment(unit, store, publisher):
    shipment = _booked(unit, store)
    unit.apply([cancelled()])
    assert _shipments(store)[shipment.shipment_id].status is Status.CANCELLED
    assert _types(publisher) == ["shipment.booked", "shipment.cancelled"]


def test_placing_and_cancelling_in_one_poll_books_then_cancels(unit, store, publisher):
    unit.apply([placed(), cancelled()])
    assert _shipments(store)[shipment_id_for_order("ord_001")].status is Status.CANCELLED
    assert _types(publisher) == ["shipment.booked", "shipment.cancelled"]


def test_a_redelivered_cancellation_announces_nothing_new(unit, store, publisher):
    _booked(unit, store)
    event = cancelled()
    unit.apply([event])
    unit.apply([event, cancelled()])  # the same one again, and a second, distinct cancel request
    assert _types(publisher) == ["shipment.booked", "shipment.cancelled"]


def test_cancelling_after_pickup_is_refused_with_the_reason(unit, store, publisher):
    shipment = _booked(unit, store)
    unit.apply([status_changed(shipment.shipment_id), cancelled()])
    assert _shipments(store)[shipment.shipment_id].status is Status.PICKED_UP
    refused = publisher.published[-1]
    assert refused.short_type == "shipment.cancellation_refused"
    assert refused.data["reason_code"] == "already_picked_up"
    assert "picked up" in refused.data["reason"]


def test_a_status_change_without_a_physical_scan_is_not_a_pickup_and_writes_nothing(unit, store):
    shipment = _booked(unit, store)
    commands = list(store.commands)
    unit.apply([status_changed(shipment.shipment_id, physically_scanned=False, status="pending")])
    assert store.commands == commands
    unit.apply([cancelled()])
    assert _shipments(store)[shipment.shipment_id].status is Status.CANCELLED


def test_pickup_is_recorded_once_at_the_first_scan(unit, store):
    shipment = _booked(unit, store)
    first = status_changed(shipment.shipment_id)
    unit.apply([first, first, status_changed(shipment.shipment_id, hours=9)])
    assert _shipments(store)[shipment.shipment_id].picked_up_at == NOW + timedelta(hours=3)


def test_a_pickup_of_an_unknown_shipment_changes_nothing(unit, store):
    assert unit.apply([status_changed("PBGWYSWAHCD9N97")]) == []
    assert _shipments(store) == {}


def test_cancelling_a_refused_or_unknown_order_is_harmless(unit, store, publisher):
    unit.apply([placed(parcels=[parcel(weight="69")])])
    assert unit.apply([cancelled(), cancelled(order_id="ord_unknown")]) == []
    assert _types(publisher) == ["shipment.booking_failed"]
    assert _shipments(store) == {}


def test_another_shippers_cancellation_is_refused_and_changes_nothing(unit, store, publisher):
    shipment = _booked(unit, store)
    [(event, error)] = unit.apply([cancelled(shipper_id="shp_b")])
    assert event.data["shipper_id"] == "shp_b" and isinstance(error, BusinessRuleViolation)
    assert _shipments(store)[shipment.shipment_id].status is Status.BOOKED
    assert _types(publisher) == ["shipment.booked"]


def test_issued_keys_are_registered_and_revoked_keys_stay_revoked(unit, deps):
    issued, revoked = key_event("shipper.key_issued"), key_event("shipper.key_revoked")
    unit.apply([issued, revoked])
    unit.apply([issued])  # a replay of the issue must not resurrect the key
    assert deps.keys.keys["a" * 64] == {"shipper_id": "shp_a", "key_id": "k1", "revoked": True}


def test_a_poll_of_many_orders_costs_the_same_few_store_commands_as_one(unit, store, publisher):
    unit.apply([placed(f"ord_{n:03}") for n in range(50)] + [placed("ord_bad", parcels=[parcel(weight="69")])])
    assert len(_shipments(store)) == 50 and len(store.documents(BOOKINGS)) == 1
    # One read, write and trim per collection (shipments, bookings), one hint and one unhint.
    assert sorted(store.commands) == sorted(["read"] * 2 + ["hint"] + ["write"] * 2 + ["trim"] * 2 + ["unhint"])
    assert publisher.batches == [51]


def test_the_unit_handles_every_consumed_type(unit):
    assert all(unit.handles(kind) for kind in ("order.placed", "order.cancelled", "tracking.status_changed",
                                               "shipper.key_issued", "shipper.key_revoked"))
    assert not unit.handles("shipment.booked")
