from dataclasses import replace
from datetime import timedelta

import pytest
from shipping_samples import NOW, customs_with, item, order_placed_data, parcel

from services.shipping.domain.model import Status
from services.shipping.domain.numbers import is_sf_waybill, is_shipment_id, is_ups_number, new_shipment_id
from services.shipping.handlers import (
    bind,
    book_shipment,
    cancel_shipment,
    note_pickup,
    register_key,
    revoke_key,
)
from shared.errors import BusinessRuleViolation
from shared.events.envelope import from_document, new_event, to_document


def placed(**changes):
    return new_event("order.placed", "ord_001", order_placed_data(**changes), source="/parcelbridge/orders",
                     request_id="req-1")


def cancelled(order_id="ord_001", shipper_id="shp_a"):
    return new_event("order.cancelled", order_id, {"order_id": order_id, "shipper_id": shipper_id},
                     source="/parcelbridge/orders")


def status_changed(shipment_id, physically_scanned=True, status="picked_up"):
    data = {"shipment_id": shipment_id, "order_id": "ord_001", "status": status,
            "milestone": "first_mile_picked_up", "previous_status": "pending", "leg": "first_mile",
            "carrier": "sf_express", "occurred_at": NOW + timedelta(hours=3),
            "physically_scanned": physically_scanned}
    return new_event("tracking.status_changed", shipment_id, data, source="/parcelbridge/tracking")


def _types(deps):
    return [event.short_type for event in deps.shipments.outbox]


def _booked(deps):
    book_shipment(placed(), deps)
    return next(iter(deps.shipments.shipments.values()))


def test_a_placed_order_is_booked_with_valid_numbers(deps):
    shipment = _booked(deps)
    assert is_shipment_id(shipment.shipment_id)
    assert is_sf_waybill(shipment.sf_waybill)
    assert is_ups_number(shipment.ups_tracking_number)
    event = deps.shipments.outbox[0]
    assert event.short_type == "shipment.booked"
    assert event.subject == shipment.shipment_id
    assert event.requestid == "req-1"
    assert event.source == "/parcelbridge/shipping"
    assert event.data["customs"]["duty_payer"] == "shipper"
    assert from_document(to_document(event)) == event  # valid against the shipments.v1 schema


def test_the_same_order_placed_twice_books_once(deps):
    event = placed()
    book_shipment(event, deps)
    book_shipment(event, deps)
    assert len(deps.shipments.shipments) == 1
    assert _types(deps) == ["shipment.booked"]


def test_a_republished_order_placed_with_a_new_event_id_books_once(deps):
    book_shipment(placed(), deps)
    book_shipment(placed(), deps)
    assert len(deps.shipments.shipments) == 1
    assert len(deps.shipments.outbox) == 1


def test_a_duplicate_that_slips_past_the_first_check_is_still_booked_once(deps):
    book_shipment(placed(), deps)
    first = next(iter(deps.shipments.shipments.values()))
    deps.shipments.bookings.clear()  # as if the pointer write had crashed
    book_shipment(placed(), deps)
    assert list(deps.shipments.shipments) == [first.shipment_id]
    assert deps.shipments.shipment_id_for_order("ord_001") == first.shipment_id
    assert len(deps.shipments.outbox) == 1


def test_a_colliding_number_is_replaced_and_the_order_still_booked(deps):
    book_shipment(placed(order_id="ord_001"), replace(deps, randbelow=lambda bound: 0))
    draws = iter([0, 0, 0])  # the second order first draws exactly the numbers already in use
    book_shipment(placed(order_id="ord_002"), replace(deps, randbelow=lambda bound: next(draws, 1)))
    ids = {s.order_id: s.shipment_id for s in deps.shipments.shipments.values()}
    assert ids == {"ord_001": new_shipment_id(lambda bound: 0), "ord_002": new_shipment_id(lambda bound: 1)}
    assert _types(deps) == ["shipment.booked", "shipment.booked"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"parcels": [parcel(weight="69")]}, "overweight"),
    ({"parcels": [parcel(length="250", width="80", height="40")]}, "oversize"),
    ({"customs": customs_with(item(hs_code="930200"))}, "prohibited_contents"),
    ({"customs": customs_with(item(currency="XAU"))}, "unsupported_currency"),
])
def test_a_refused_order_gets_booking_failed_with_the_reason_code(deps, changes, code):
    book_shipment(placed(**changes), deps)
    assert deps.shipments.shipments == {}
    (event,) = deps.shipments.outbox
    assert event.short_type == "shipment.booking_failed"
    assert event.subject == "ord_001"
    assert event.data["reason_code"] == code


def test_a_refused_order_delivered_twice_is_refused_once(deps):
    event = placed(parcels=[parcel(weight="69")])
    book_shipment(event, deps)
    book_shipment(event, deps)
    assert _types(deps) == ["shipment.booking_failed"]


def test_cancelling_before_pickup_cancels_the_shipment(deps):
    shipment = _booked(deps)
    cancel_shipment(cancelled(), deps)
    assert deps.shipments.get(shipment.shipment_id).status is Status.CANCELLED
    assert _types(deps) == ["shipment.booked", "shipment.cancelled"]


def test_a_redelivered_cancellation_announces_nothing_new(deps):
    _booked(deps)
    event = cancelled()
    cancel_shipment(event, deps)
    cancel_shipment(event, deps)
    cancel_shipment(cancelled(), deps)  # a second, distinct cancel request
    assert _types(deps) == ["shipment.booked", "shipment.cancelled"]


def test_cancelling_after_pickup_is_refused_with_the_reason(deps):
    shipment = _booked(deps)
    note_pickup(status_changed(shipment.shipment_id), deps)
    cancel_shipment(cancelled(), deps)
    assert deps.shipments.get(shipment.shipment_id).status is Status.PICKED_UP
    refused = deps.shipments.outbox[-1]
    assert refused.short_type == "shipment.cancellation_refused"
    assert refused.data["reason_code"] == "already_picked_up"
    assert "picked up" in refused.data["reason"]


def test_a_status_change_without_a_physical_scan_is_not_a_pickup(deps):
    shipment = _booked(deps)
    note_pickup(status_changed(shipment.shipment_id, physically_scanned=False, status="pending"), deps)
    cancel_shipment(cancelled(), deps)
    assert deps.shipments.get(shipment.shipment_id).status is Status.CANCELLED


def test_pickup_is_recorded_once_at_the_first_scan(deps):
    shipment = _booked(deps)
    first = status_changed(shipment.shipment_id)
    note_pickup(first, deps)
    note_pickup(first, deps)
    assert deps.shipments.get(shipment.shipment_id).picked_up_at == NOW + timedelta(hours=3)


def test_a_pickup_of_an_unknown_shipment_changes_nothing(deps):
    note_pickup(status_changed("PBGWYSWAHCD9N97"), deps)
    assert deps.shipments.shipments == {}


def test_cancelling_a_refused_or_unknown_order_is_harmless(deps):
    book_shipment(placed(parcels=[parcel(weight="69")]), deps)
    cancel_shipment(cancelled(), deps)
    cancel_shipment(cancelled(order_id="ord_unknown"), deps)
    assert _types(deps) == ["shipment.booking_failed"]


def test_another_shippers_cancellation_is_a_business_rule_violation(deps):
    _booked(deps)
    with pytest.raises(BusinessRuleViolation):
        cancel_shipment(cancelled(shipper_id="shp_b"), deps)


def test_issued_keys_are_registered_and_revoked_keys_stay_revoked(deps):
    data = {"shipper_id": "shp_a", "key_id": "k1", "key_hash": "a" * 64}
    issued = new_event("shipper.key_issued", "shp_a", {**data, "shipper_name": "A"}, source="/parcelbridge/orders")
    revoked = new_event("shipper.key_revoked", "shp_a", data, source="/parcelbridge/orders")
    register_key(issued, deps)
    revoke_key(revoked, deps)
    register_key(issued, deps)  # a replay of the issue must not resurrect the key
    assert deps.keys.keys["a" * 64] == {"shipper_id": "shp_a", "key_id": "k1", "revoked": True}


def test_the_routing_table_covers_every_consumed_type(deps):
    assert set(bind(deps)) == {"order.placed", "order.cancelled", "tracking.status_changed",
                               "shipper.key_issued", "shipper.key_revoked"}
