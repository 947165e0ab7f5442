"""One plain function per command and per consumed event: load, one domain call, save with the outbox."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from services.orders.adapters.repository import OrderExists, OrderRepository, Outgoing, ShipperRepository
from services.orders.adapters.webhook_store import WebhookRepository
from services.orders.domain.commands import CancelOrder, CreateShipper, PlaceOrder, RevokeShipper
from services.orders.domain.model import Booking, DomainEvent, Order, OrderNotFound, Rejection
from services.orders.domain.placement import (
    IdempotencyKeyReused,
    fingerprint,
    order_id_for_key,
    random_order_id,
)
from services.orders.domain.shippers import Shipper, ShipperNotFound
from services.orders.domain.webhooks import PendingDelivery, notification_body, queue_for
from shared.errors import BusinessRuleViolation
from shared.events.envelope import CloudEvent, new_event
from shared.events.schemas.shipments import (
    ShipmentBooked,
    ShipmentBookingFailed,
    ShipmentCancellationRefused,
    ShipmentCancelled,
)
from shared.events.schemas.tracking import TrackingStatusChanged
from shared.http.auth import key_hash, new_api_key

SOURCE = "/parcelbridge/orders"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, to the millisecond: what MongoDB keeps, so a stored time equals the one we computed."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool  # False when an Idempotency-Key replay returned the original order


@dataclass(frozen=True)
class NewShipper:
    shipper: Shipper
    api_key: str  # shown once; only its hash is stored


def envelopes(subject: str, events: list[DomainEvent], request_id: str | None) -> list[CloudEvent]:
    """The domain events as CloudEvents from this service, keyed by the aggregate id."""
    return [new_event(kind, subject, data, source=SOURCE, request_id=request_id) for kind, data in events]


def place_order(command: PlaceOrder, orders: OrderRepository, clock: Clock = utc_now) -> Placed:
    """Store a new order with `order.placed`; a repeated Idempotency-Key returns the first order."""
    digest = fingerprint(command.request)
    key = command.idempotency_key
    order_id = order_id_for_key(command.shipper_id, key) if key else random_order_id()
    details = command.request.model_dump(mode="json")
    order = Order.place(order_id, command.shipper_id, details, digest, clock(), idempotency_key=key)
    try:
        orders.add(order, envelopes(order.id, order.events, command.request_id))
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


def cancel_order(command: CancelOrder, orders: OrderRepository, clock: Clock = utc_now) -> Order:
    """Cancel the shipper's order and emit `order.cancelled`; raises CancellationNotAllowed or OrderNotFound."""
    order = orders.get_for(command.shipper_id, command.order_id)
    order.cancel(command.reason, clock())
    orders.save(order, envelopes(order.id, order.events, command.request_id))
    return order


def apply_shipment_event(event: CloudEvent, orders: OrderRepository, clock: Clock = utc_now) -> bool:
    """Reflect a shipments.v1 event on its order, once; False if it was applied already."""
    parse, apply = _SHIPMENT_EVENTS[event.short_type]
    data = parse(event.data)

    def change(order: Order) -> Outgoing:
        if order.shipper_id != data.shipper_id:
            raise BusinessRuleViolation(f"{event.short_type} {event.id}: order {order.id} belongs to another shipper")
        apply(order, data, clock())
        return Outgoing(envelopes(order.id, order.events, event.requestid))

    return _apply_once(orders, data.order_id, event, change)


def apply_tracking_event(
    event: CloudEvent, orders: OrderRepository, clock: Clock = utc_now, webhooks: WebhookRepository | None = None
) -> bool:
    """Let the parcel's new tracking status drive its order, once; False if it was applied already.

    Every applied status change is queued for the shipper's webhooks in the same write as the order.
    """
    data = TrackingStatusChanged.model_validate(event.data)

    def change(order: Order) -> Outgoing:
        now = clock()
        order.follow_parcel(data.status, data.occurred_at, data.physically_scanned, data.reason, now)
        deliveries = queue_status_change(event, data, order, webhooks, now) if webhooks else []
        return Outgoing(envelopes(order.id, order.events, event.requestid), deliveries)

    return _apply_once(orders, data.order_id, event, change)


def queue_status_change(
    event: CloudEvent, data: TrackingStatusChanged, order: Order, webhooks: WebhookRepository, now: datetime
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


def _apply_once(orders: OrderRepository, order_id: str, event: CloudEvent, change) -> bool:
    try:
        return orders.apply_once(order_id, event.id, change)
    except OrderNotFound as exc:
        # Every order exists before its first event can be produced: this one is not ours (dead-letter it).
        raise BusinessRuleViolation(f"{event.short_type} {event.id} names unknown order {order_id}") from exc


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
SHIPMENT_EVENT_TYPES = tuple(_SHIPMENT_EVENTS)


def create_shipper(command: CreateShipper, shippers: ShipperRepository, clock: Clock = utc_now) -> NewShipper:
    """A shipper with a fresh API key; the key itself is returned once and never stored."""
    api_key = new_api_key()
    shipper = Shipper.create(_new_id("shp_", 16), command.name, _new_id("key_", 12), key_hash(api_key), clock())
    shippers.add(shipper, envelopes(shipper.id, shipper.events, None))
    return NewShipper(shipper, api_key)


def revoke_shipper(command: RevokeShipper, shippers: ShipperRepository, clock: Clock = utc_now) -> Shipper:
    """Revoke the shipper's keys here and, through `shipper.key_revoked`, everywhere else."""
    shipper = shippers.get(command.shipper_id)
    if shipper is None:
        raise ShipperNotFound(f"no shipper {command.shipper_id}")
    shipper.revoke(clock())
    shippers.save(shipper, envelopes(shipper.id, shipper.events, None))
    return shipper


def _new_id(prefix: str, length: int) -> str:
    return prefix + base64.b32encode(secrets.token_bytes(length)).decode().lower()[:length]
