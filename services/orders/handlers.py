"""One plain function per command and per consumed event: load, call the domain, save (the consumer's: pure folds)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.orders.adapters.order_codec import QueuedOrder
from services.orders.adapters.repository import ORDERS, OrderExists, OrderRepository, ShipperRepository
from services.orders.domain.commands import CancelOrder, CreateShipper, PlaceOrder, RevokeShipper
from services.orders.domain.model import Booking, Order, OrderNotFound, Rejection
from services.orders.domain.placement import (
    IdempotencyKeyReused,
    fingerprint,
    order_id_for_key,
    random_order_id,
)
from services.orders.domain.shippers import Shipper, ShipperNotFound
from services.orders.webhooks.domain.model import PendingDelivery, Webhook, notification_body, queue_for
from shared.batch.routes import Applied, Handles, keyed
from shared.clock import Clock, utc_now
from shared.errors import BusinessRuleViolation, ConcurrencyConflict
from shared.events.envelope import CloudEvent, new_events
from shared.events.schemas.shipments import (
    ShipmentBooked,
    ShipmentBookingFailed,
    ShipmentCancellationRefused,
    ShipmentCancelled,
)
from shared.events.schemas.tracking import TrackingStatusChanged
from shared.http.auth import key_hash, new_api_key
from shared.ids import random_id
from shared.mongo.documents import Document

SOURCE = "/parcelbridge/orders"


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool  # False when an Idempotency-Key replay returned the original order


@dataclass(frozen=True)
class NewShipper:
    shipper: Shipper
    api_key: str  # shown once; only its hash is stored


def place_order(command: PlaceOrder, orders: OrderRepository, clock: Clock = utc_now) -> Placed:
    """Store a new order with `order.placed`; a repeated Idempotency-Key returns the first order."""
    digest = fingerprint(command.request)
    key = command.idempotency_key
    order_id = order_id_for_key(command.shipper_id, key) if key else random_order_id()
    details = command.request.model_dump(mode="json")
    order = Order.place(order_id, command.shipper_id, details, digest, clock(), idempotency_key=key)
    try:
        orders.add(order, new_events(SOURCE, order.id, order.events, command.request_id))
    except OrderExists:
        return Placed(_original(orders, command, order_id, digest), created=False)
    return Placed(order, created=True)


def _original(orders: OrderRepository, command: PlaceOrder, order_id: str, digest: str) -> Order:
    original = orders.get_for(command.shipper_id, order_id)
    if original.fingerprint != digest:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {command.idempotency_key!r} was already used for order {order_id} with a "
            "different body; send the same body to get that order back, or a new key for a new order"
        )
    return original


CANCEL_ATTEMPTS = 5  # one consumer writes an order at a time, so a second conflict in a row is already rare


def cancel_order(command: CancelOrder, orders: OrderRepository, clock: Clock = utc_now) -> Order:
    """Cancel the shipper's order and emit `order.cancelled`; raises CancellationNotAllowed or OrderNotFound.

    The orders consumer writes the same document when the booking (or a scan) lands: a cancel that lost that
    race reads the order again and decides anew, as the shipper would have had they sent it a moment later.
    """
    for _ in range(CANCEL_ATTEMPTS - 1):
        with contextlib.suppress(ConcurrencyConflict):
            return _cancel_once(command, orders, clock)
    return _cancel_once(command, orders, clock)  # the last attempt's conflict reaches the caller


def _cancel_once(command: CancelOrder, orders: OrderRepository, clock: Clock) -> Order:
    order = orders.get_for(command.shipper_id, command.order_id)
    order.cancel(command.reason, clock())
    orders.save(order, new_events(SOURCE, order.id, order.events, command.request_id))
    return order


# The consumer's handlers: (order as queued or None, event, deps) -> the order after it and the events it
# causes. Pure but for the clock and the webhook lookup; the batch unit loads, applies a poll's events in order,
# and saves.

class ActiveWebhooks(Protocol):
    def active_for(self, shipper_id: str) -> list[Webhook]: ...

    def prepare(self, stored: Mapping[tuple[str, str], Document]) -> None:
        """Look up, in one read, the webhooks of every shipper whose orders the unit just loaded."""


@dataclass(frozen=True)
class Deps:
    webhooks: ActiveWebhooks
    clock: Clock = utc_now


def apply_shipment(queued: QueuedOrder | None, event: CloudEvent, deps: Deps) -> Applied[QueuedOrder]:
    """Reflect a shipments.v1 event on its order (the unit applies each event id once)."""
    parse, apply = _SHIPMENT_EVENTS[event.short_type]
    data = parse(event.data)
    queued = _existing(queued, event, data.order_id)
    if queued.order.shipper_id != data.shipper_id:
        raise BusinessRuleViolation(f"{event.short_type} {event.id}: order {data.order_id} belongs to another shipper")
    apply(queued.order, data, deps.clock())
    return _applied(queued, event)


def follow_tracking(queued: QueuedOrder | None, event: CloudEvent, deps: Deps) -> Applied[QueuedOrder]:
    """Let the parcel's new tracking status drive its order, and queue it for the shipper's webhooks (same write)."""
    data = TrackingStatusChanged.model_validate(event.data)
    queued = _existing(queued, event, data.order_id)
    now = deps.clock()
    queued.order.follow_parcel(data.status, data.occurred_at, data.physically_scanned, data.reason, now)
    queued.deliveries.extend(queue_status_change(event, data, queued.order, deps.webhooks, now))
    return _applied(queued, event)


def queue_status_change(
    event: CloudEvent, data: TrackingStatusChanged, order: Order, webhooks: ActiveWebhooks, now: datetime
) -> list[PendingDelivery]:
    """This tracking event for each active webhook of the order's shipper that wants its status."""
    wanted = [w for w in webhooks.active_for(order.shipper_id) if w.wants(data.status)]
    if not wanted:
        return []
    body = notification_body(event.id, data.occurred_at, {
        "order_id": order.id,
        "shipper_reference": order.details.get("shipper_reference"),
        "shipment_id": data.shipment_id,
        "status": data.status,
        "previous_status": data.previous_status,
        "milestone": data.milestone,
        "leg": data.leg,
        "carrier": data.carrier,
        "reason": data.reason,
        "order_status": order.status,
    })
    return queue_for(wanted, event.id, data.status, body, now)


def _existing(queued: QueuedOrder | None, event: CloudEvent, order_id: str) -> QueuedOrder:
    if queued is None:
        # Every order exists before its first event can be produced: this one is not ours (dead-letter it).
        raise OrderNotFound(f"{event.short_type} {event.id} names unknown order {order_id}")
    return queued


def _applied(queued: QueuedOrder, event: CloudEvent) -> Applied[QueuedOrder]:
    """The order with the domain events of this one event as CloudEvents (taken off the order)."""
    caused = new_events(SOURCE, queued.order.id, queued.order.events, event.requestid)
    queued.order.events.clear()
    return Applied(queued, caused)


def _order_id(event: CloudEvent) -> str:
    """The order a consumed event changes: shipments.v1 and tracking.v1 are keyed by shipment, not order."""
    return event.data["order_id"]


def _book(order: Order, data: ShipmentBooked, now: datetime) -> None:
    promised = data.promised_delivery_date.isoformat()
    order.book(Booking(data.shipment_id, data.sf_waybill, data.ups_tracking_number, promised), now)


def _reject(order: Order, data: ShipmentBookingFailed, now: datetime) -> None:
    order.reject(Rejection(data.reason_code, data.reason), now)


def _confirm_cancelled(order: Order, _data: ShipmentCancelled, now: datetime) -> None:
    order.confirm_cancelled(now)


def _refuse_cancellation(order: Order, data: ShipmentCancellationRefused, now: datetime) -> None:
    order.refuse_cancellation(data.reason, now)


# short event type -> (data model, domain call)
_SHIPMENT_EVENTS = {
    "shipment.booked": (ShipmentBooked.model_validate, _book),
    "shipment.booking_failed": (ShipmentBookingFailed.model_validate, _reject),
    "shipment.cancelled": (ShipmentCancelled.model_validate, _confirm_cancelled),
    "shipment.cancellation_refused": (ShipmentCancellationRefused.model_validate, _refuse_cancellation),
}

# What the consumer hands to which handler, and where each event's document is; other types are skipped.
ROUTES: dict[str, Handles] = {
    **{kind: Handles(apply_shipment, keyed(ORDERS, _order_id)) for kind in _SHIPMENT_EVENTS},
    "tracking.status_changed": Handles(follow_tracking, keyed(ORDERS, _order_id)),
}


def create_shipper(command: CreateShipper, shippers: ShipperRepository, clock: Clock = utc_now) -> NewShipper:
    """A shipper with a fresh API key; the key itself is returned once and never stored."""
    api_key = new_api_key()
    shipper = Shipper.create(random_id("shp_", 16), command.name, random_id("key_", 12), key_hash(api_key), clock())
    shippers.add(shipper, new_events(SOURCE, shipper.id, shipper.events, None))
    return NewShipper(shipper, api_key)


def revoke_shipper(command: RevokeShipper, shippers: ShipperRepository, clock: Clock = utc_now) -> Shipper:
    """Revoke the shipper's keys here and, through `shipper.key_revoked`, everywhere else."""
    shipper = shippers.get(command.shipper_id)
    if shipper is None:
        raise ShipperNotFound(f"no shipper {command.shipper_id}")
    shipper.revoke(clock())
    shippers.save(shipper, new_events(SOURCE, shipper.id, shipper.events, None))
    return shipper
