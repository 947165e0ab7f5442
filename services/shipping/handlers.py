"""One plain function per consumed event: load, one domain decision, save with the events it causes."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from services.shipping import messages
from services.shipping.adapters.repository import KeyRegistry, NumberTaken, ShipmentRepository
from services.shipping.domain.booking import book
from services.shipping.domain.model import CannotCancel, Refusal, Shipment
from services.shipping.domain.numbers import RandBelow, new_numbers
from shared.errors import BusinessRuleViolation
from shared.events.envelope import CloudEvent
from shared.events.schemas.orders import OrderCancelled, OrderPlaced
from shared.events.schemas.shippers import ShipperKeyIssued, ShipperKeyRevoked
from shared.events.schemas.tracking import TrackingStatusChanged

log = logging.getLogger(__name__)

RENUMBER_ATTEMPTS = 5  # a collision needs two 60-bit ids (or 7-digit UPS references) to meet; five is plenty


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    shipments: ShipmentRepository
    keys: KeyRegistry
    clock: Callable[[], datetime] = _utc_now
    randbelow: RandBelow = field(default=secrets.randbelow)


def book_shipment(event: CloudEvent, deps: Deps) -> None:
    """Book the placed order once, however often the event is delivered."""
    order = messages.order_from_event(OrderPlaced.model_validate(event.data))
    if deps.shipments.order_seen(order.order_id):
        return
    outcome = book(order, deps.clock(), partial(new_numbers, deps.randbelow, order.service_level))
    if isinstance(outcome, Refusal):
        deps.shipments.add_refusal(outcome, [messages.booking_failed_event(outcome, event.requestid)])
        return
    _add_renumbering_on_collision(outcome, event, deps)


def _add_renumbering_on_collision(shipment: Shipment, event: CloudEvent, deps: Deps) -> None:
    for _ in range(RENUMBER_ATTEMPTS):
        try:
            deps.shipments.add(shipment, [messages.booked_event(shipment, event.requestid)])
            return
        except NumberTaken:
            log.warning("generated number collided; renumbering", extra={"shipment_id": shipment.shipment_id})
            shipment = shipment.renumbered(new_numbers(deps.randbelow, shipment.service_level))
    raise NumberTaken(f"order {shipment.order_id}: {RENUMBER_ATTEMPTS} number sets collided")


def cancel_shipment(event: CloudEvent, deps: Deps) -> None:
    """Cancel the order's shipment before pickup; afterwards record and announce the refusal."""
    cancelled = OrderCancelled.model_validate(event.data)
    shipment_id = deps.shipments.shipment_id_for_order(cancelled.order_id)
    if shipment_id is None:
        # A refused or never-booked order has nothing to cancel at the carriers.
        log.info("cancelled order has no shipment", extra={"order_id": cancelled.order_id})
        return
    now = deps.clock()

    def decide(shipment: Shipment) -> tuple[Shipment, list[CloudEvent]]:
        if shipment.shipper_id != cancelled.shipper_id:
            raise BusinessRuleViolation(f"order {cancelled.order_id} is not shipper {cancelled.shipper_id}'s")
        try:
            after = shipment.cancel(now)
        except CannotCancel as refusal:
            return shipment, [messages.cancellation_refused_event(shipment, refusal, event.requestid)]
        return after, [] if after is shipment else [messages.cancelled_event(after, event.requestid)]

    deps.shipments.update(shipment_id, event.id, decide)


def note_pickup(event: CloudEvent, deps: Deps) -> None:
    """Remember the first physical carrier scan: from then on the shipment cannot be cancelled."""
    change = TrackingStatusChanged.model_validate(event.data)
    if not change.physically_scanned:
        return
    shipment = deps.shipments.get(change.shipment_id)
    if shipment is None:
        log.warning("tracking update for a shipment not booked here", extra={"shipment_id": change.shipment_id})
        return
    if shipment.picked_up_at is not None:
        return  # every later scan is physical too; only the first one changes anything
    deps.shipments.update(
        change.shipment_id, event.id, lambda shipment: (shipment.mark_picked_up(change.occurred_at), [])
    )


def register_key(event: CloudEvent, deps: Deps) -> None:
    issued = ShipperKeyIssued.model_validate(event.data)
    deps.keys.register(issued.key_hash, issued.shipper_id, issued.key_id)


def revoke_key(event: CloudEvent, deps: Deps) -> None:
    revoked = ShipperKeyRevoked.model_validate(event.data)
    deps.keys.revoke(revoked.key_hash, revoked.shipper_id, revoked.key_id)


HANDLERS: dict[str, Callable[[CloudEvent, Deps], None]] = {
    "order.placed": book_shipment,
    "order.cancelled": cancel_shipment,
    "tracking.status_changed": note_pickup,
    "shipper.key_issued": register_key,
    "shipper.key_revoked": revoke_key,
}


def bind(deps: Deps) -> dict[str, Callable[[CloudEvent], None]]:
    """The routing table with dependencies supplied, as ConsumerRunner expects it."""
    return {short_type: partial(handler, deps=deps) for short_type, handler in HANDLERS.items()}
