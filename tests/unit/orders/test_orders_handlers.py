import pytest

from services.orders import handlers
from services.orders.domain.commands import CancelOrder, CreateShipper, PlaceOrder, RevokeShipper
from services.orders.domain.model import CancellationNotAllowed, OrderNotFound
from services.orders.domain.placement import IdempotencyKeyReused, OrderRequest
from services.orders.domain.shippers import ShipperNotFound
from shared.errors import BusinessRuleViolation, ConcurrencyConflict
from shared.events.envelope import new_event
from shared.http.auth import key_hash
from tests.unit.orders.conftest import FakeOrderRepository

SOURCE = "/parcelbridge/test"


def _place(orders, clock, body, shipper="shp_a", key=None):
    command = PlaceOrder(shipper, OrderRequest.model_validate(body), key, request_id="req-1")
    return handlers.place_order(command, orders, clock)


def _booked(order_id, shipper="shp_a"):
    return new_event("shipment.booked", "JV1", {
        "shipment_id": "JV1", "order_id": order_id, "shipper_id": shipper,
        "sf_waybill": "SF1234567890123", "ups_tracking_number": "1Z999AA10123456784", "service_level": "standard",
        "legs": [{"leg": "first_mile", "carrier": "sf_express", "origin": "Shenzhen", "destination": "SZX",
                  "planned_start": "2025-06-01T10:00:00Z", "planned_end": "2025-06-02T10:00:00Z"}],
        "promised_delivery_date": "2025-06-12",
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "20.00", "duty_payer": "shipper"},
    }, source=SOURCE)


def _tracking(order_id, status, occurred_at="2025-06-02T09:00:00Z", scanned=True):
    return new_event("tracking.status_changed", "JV1", {
        "shipment_id": "JV1", "order_id": order_id, "status": status, "milestone": None,
        "previous_status": None, "leg": None, "carrier": "sf_express", "occurred_at": occurred_at,
        "physically_scanned": scanned,
    }, source=SOURCE)


def test_placing_an_order_stores_it_with_one_placed_event(orders, clock, body):
    placed = _place(orders, clock, body)
    assert placed.created
    stored = orders.get(placed.order.id)
    assert stored.status == "placed" and stored.created_at == clock.now
    assert orders.events_of(stored.id) == ["order.placed"]
    event = orders.outbox[stored.id][0]
    assert (event.subject, event.requestid, event.source) == (stored.id, "req-1", "/parcelbridge/orders")
    assert event.data["recipient"]["zip"] == "94105"


def test_the_same_key_and_body_return_the_original_order_without_a_second_event(orders, clock, body):
    first = _place(orders, clock, body, key="k-1")
    clock.tick()
    again = _place(orders, clock, body, key="k-1")
    assert not again.created
    assert again.order.id == first.order.id and again.order.created_at == first.order.created_at
    assert len(orders.orders) == 1
    assert orders.events_of(first.order.id) == ["order.placed"]


def test_the_same_key_with_another_body_is_refused(orders, clock, body):
    _place(orders, clock, body, key="k-1")
    body["shipper_reference"] = "another"
    with pytest.raises(IdempotencyKeyReused, match="k-1"):
        _place(orders, clock, body, key="k-1")
    assert len(orders.orders) == 1


def test_the_same_key_from_two_shippers_places_two_orders(orders, clock, body):
    a = _place(orders, clock, body, shipper="shp_a", key="k-1")
    b = _place(orders, clock, body, shipper="shp_b", key="k-1")
    assert a.order.id != b.order.id and b.created


def test_without_a_key_every_post_is_a_new_order(orders, clock, body):
    _place(orders, clock, body)
    _place(orders, clock, body)
    assert len(orders.orders) == 2


def test_cancelling_emits_order_cancelled(orders, clock, body):
    order_id = _place(orders, clock, body).order.id
    handlers.cancel_order(CancelOrder("shp_a", order_id, "duplicate"), orders, clock)
    assert orders.get(order_id).status == "cancelled"
    assert orders.events_of(order_id) == ["order.placed", "order.cancelled"]
    assert orders.outbox[order_id][1].data == {"order_id": order_id, "shipper_id": "shp_a", "reason": "duplicate"}


class RacedOrders(FakeOrderRepository):
    """Orders whose next `races` saves each lose to a write made after the cancel read the order (as the store's
    version guard reports it)."""

    def __init__(self, orders: FakeOrderRepository, races: int, meanwhile) -> None:
        super().__init__(orders.store)
        self.races = races
        self.meanwhile = meanwhile

    def save(self, order, events) -> None:
        if self.races:
            self.races -= 1
            self.meanwhile()
            raise ConcurrencyConflict(f"orders/{order.id} changed")
        super().save(order, events)


def test_a_cancel_that_races_the_booking_is_retried_on_the_booked_order(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    raced = RacedOrders(orders, races=1, meanwhile=lambda: consume(_booked(order_id)))
    cancelled = handlers.cancel_order(CancelOrder("shp_a", order_id, "changed my mind"), raced, clock)
    assert cancelled.status == "cancelled"
    stored = orders.get(order_id)
    assert [h.status for h in stored.history] == ["placed", "booked", "cancelled"]
    assert stored.booking.ups_tracking_number == "1Z999AA10123456784"
    assert orders.events_of(order_id) == ["order.cancelled"]


def test_a_cancel_that_keeps_losing_gives_up_with_the_conflict(orders, clock, body):
    order_id = _place(orders, clock, body).order.id
    raced = RacedOrders(orders, races=handlers.CANCEL_ATTEMPTS, meanwhile=lambda: None)
    with pytest.raises(ConcurrencyConflict):
        handlers.cancel_order(CancelOrder("shp_a", order_id), raced, clock)
    assert orders.get(order_id).status == "placed"


def test_another_shippers_order_is_not_found(orders, clock, body):
    order_id = _place(orders, clock, body, shipper="shp_a").order.id
    with pytest.raises(OrderNotFound):
        handlers.cancel_order(CancelOrder("shp_b", order_id), orders, clock)
    assert orders.get(order_id).status == "placed"


def test_a_picked_up_order_cannot_be_cancelled(orders, clock, body, consume, publisher):
    order_id = _place(orders, clock, body).order.id
    consume(_tracking(order_id, "picked_up"))
    with pytest.raises(CancellationNotAllowed):
        handlers.cancel_order(CancelOrder("shp_a", order_id), orders, clock)
    # The consumer published the placement its order still held (as a writer does), and nothing followed it.
    assert [e.short_type for e in publisher.published] == ["order.placed"] and orders.events_of(order_id) == []


def test_a_booking_is_applied_once(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    event = _booked(order_id)
    assert consume(event, event) == []
    clock.tick()
    assert consume(event) == []
    assert orders.documents[order_id]["applied_events"] == [event.id]
    order = orders.get(order_id)
    assert order.status == "booked"
    assert order.booking.ups_tracking_number == "1Z999AA10123456784"
    assert [h.status for h in order.history] == ["placed", "booked"]


def test_a_failed_booking_rejects_the_order(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    event = new_event("shipment.booking_failed", order_id, {
        "order_id": order_id, "shipper_id": "shp_a", "reason_code": "prohibited_contents", "reason": "HS 9303",
    }, source=SOURCE)
    consume(event)
    order = orders.get(order_id)
    assert (order.status, order.rejection.reason_code) == ("rejected", "prohibited_contents")


def test_a_refused_cancellation_is_recorded_on_the_order(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    consume(_booked(order_id))
    handlers.cancel_order(CancelOrder("shp_a", order_id), orders, clock)
    refusal = new_event("shipment.cancellation_refused", "JV1", {
        "shipment_id": "JV1", "order_id": order_id, "shipper_id": "shp_a", "reason": "already picked up",
    }, source=SOURCE)
    consume(refusal)
    order = orders.get(order_id)
    assert (order.status, order.cancellation_refused_reason) == ("booked", "already picked up")


def test_an_event_for_an_unknown_order_is_refused_alone_as_a_permanent_failure(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    unknown, booked = _booked("ord_aaaaaaaaaaaaaaaaaaaa"), _booked(order_id)
    [(refused, error)] = consume(unknown, booked)
    assert refused is unknown and isinstance(error, BusinessRuleViolation) and "unknown order" in str(error)
    assert orders.get(order_id).status == "booked"
    assert "ord_aaaaaaaaaaaaaaaaaaaa" not in orders.documents


def test_an_event_naming_another_shipper_changes_nothing(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    [(_, error)] = consume(_booked(order_id, shipper="shp_b"))
    assert isinstance(error, BusinessRuleViolation) and "another shipper" in str(error)
    assert orders.get(order_id).status == "placed"


def test_tracking_events_drive_the_order_and_never_regress(orders, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    consume(_tracking(order_id, "delivered", "2025-06-10T12:00:00Z"))
    consume(_tracking(order_id, "in_transit", "2025-06-11T12:00:00Z"))
    assert orders.get(order_id).status == "delivered"


def test_a_poll_of_status_changes_costs_one_read_and_one_write_whatever_its_size(orders, clock, body, consume):
    order_ids = [_place(orders, clock, body).order.id for _ in range(5)]
    for document in orders.documents.values():  # their placements were published by the API's writer
        document.update(outbox=[], outbox_pending=False)
    orders.store.commands.clear()
    statuses = ("picked_up", "in_transit", "out_for_delivery", "delivered")
    consume(*(_tracking(o, s, f"2025-06-0{2 + n}T09:00:00Z") for o in order_ids for n, s in enumerate(statuses)))
    assert orders.store.commands == ["read", "write"]
    assert {orders.get(o).status for o in order_ids} == {"delivered"}


def test_a_new_shipper_gets_a_key_stored_only_as_its_hash(shippers, clock):
    created = handlers.create_shipper(CreateShipper("Acme"), shippers, clock)
    stored = shippers.get(created.shipper.id)
    assert stored.keys[0].key_hash == key_hash(created.api_key)
    assert created.api_key not in repr(stored)
    issued = shippers.outbox[stored.id]
    assert [e.short_type for e in issued] == ["shipper.key_issued"]
    assert issued[0].data["key_hash"] == key_hash(created.api_key)


def test_revoking_announces_each_key_once(shippers, clock):
    shipper_id = handlers.create_shipper(CreateShipper("Acme"), shippers, clock).shipper.id
    handlers.revoke_shipper(RevokeShipper(shipper_id), shippers, clock)
    handlers.revoke_shipper(RevokeShipper(shipper_id), shippers, clock)
    stored = shippers.get(shipper_id)
    assert stored.revoked_at == clock.now and stored.active_keys() == []
    assert [e.short_type for e in shippers.outbox[shipper_id]] == ["shipper.key_issued", "shipper.key_revoked"]


def test_revoking_an_unknown_shipper_says_so(shippers, clock):
    with pytest.raises(ShipperNotFound):
        handlers.revoke_shipper(RevokeShipper("shp_nobody"), shippers, clock)
