"""The consumer's handlers: (aggregate or None, event, deps) -> Applied, pure but for the clock and the random draws.

The batch unit (shared/batch) reads the documents a poll names, applies these in memory, and writes each
document once with the events it caused in its outbox; the API keys replica is written by after-write hooks.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from services.shipping import messages
from services.shipping.adapters.repository import BOOKINGS, SHIPMENTS, KeyRegistry
from services.shipping.domain.booking import book
from services.shipping.domain.model import CannotCancel, Refusal, Shipment
from services.shipping.domain.numbers import RandBelow, numbers_for_order, shipment_id_for_order
from services.shipping.domain.refusals import refusal_for
from shared.batch.routes import Applied, Handles
from shared.clock import Clock, utc_now
from shared.errors import BusinessRuleViolation
from shared.events.envelope import CloudEvent
from shared.events.schemas.orders import OrderCancelled, OrderPlaced
from shared.events.schemas.shippers import ShipperKeyIssued, ShipperKeyRevoked
from shared.events.schemas.tracking import TrackingStatusChanged

log = logging.getLogger(__name__)
Outcome = Shipment | Refusal
Rejections = list[tuple[CloudEvent, BaseException]]


@dataclass(frozen=True)
class Deps:
    keys: KeyRegistry
    clock: Clock = utc_now
    randbelow: RandBelow = field(default=secrets.randbelow)


def place_order(outcome: Outcome | None, event: CloudEvent, deps: Deps) -> Applied[Outcome]:
    """Book the placed order, or refuse it, once: a redelivery (under any event id) finds its outcome stored."""
    order = messages.order_from_event(OrderPlaced.model_validate(event.data))
    if outcome is not None:
        if outcome.order_id != order.order_id:  # two order ids hashed to one shipment id: 1 in 2^60 a pair
            raise BusinessRuleViolation(f"shipment id of order {order.order_id} is taken by {outcome.order_id}")
        return Applied(outcome, changed=False)
    numbers = partial(numbers_for_order, order.order_id, deps.randbelow, order.service_level)
    booked = book(order, deps.clock(), numbers)
    if isinstance(booked, Refusal):
        return Applied(booked, [messages.booking_failed_event(booked, event.requestid)])
    return Applied(booked, [messages.booked_event(booked, event.requestid)])


def cancel_shipment(shipment: Shipment | None, event: CloudEvent, deps: Deps) -> Applied[Shipment]:
    """Cancel the order's shipment before pickup; afterwards record and announce the refusal."""
    cancelled = OrderCancelled.model_validate(event.data)
    if shipment is None:
        # A refused or never-booked order has nothing to cancel at the carriers.
        log.info("cancelled order has no shipment", extra={"order_id": cancelled.order_id})
        return Applied(None, changed=False)
    if shipment.shipper_id != cancelled.shipper_id:
        raise BusinessRuleViolation(f"order {cancelled.order_id} is not shipper {cancelled.shipper_id}'s")
    try:
        after = shipment.cancel(deps.clock())
    except CannotCancel as refusal:
        return Applied(shipment, [messages.cancellation_refused_event(shipment, refusal, event.requestid)])
    if after is shipment:
        return Applied(shipment, changed=False)
    return Applied(after, [messages.cancelled_event(after, event.requestid)])


def note_pickup(shipment: Shipment | None, event: CloudEvent, deps: Deps) -> Applied[Shipment]:
    """Remember the first physical carrier scan: from then on the shipment cannot be cancelled."""
    change = TrackingStatusChanged.model_validate(event.data)
    if shipment is None:
        log.warning("tracking update for a shipment not booked here", extra={"shipment_id": change.shipment_id})
        return Applied(None, changed=False)
    if not change.physically_scanned or shipment.picked_up_at is not None:
        return Applied(shipment, changed=False)  # every later scan is physical too: only the first counts
    return Applied(shipment.mark_picked_up(change.occurred_at))


# Which document each event changes, known before anything is read.

def order_outcome(event: CloudEvent) -> tuple[str, str]:
    """A placed order's shipment, or its refusal: decided by the rules `book` applies first (pure, no clock)."""
    order = messages.order_from_event(OrderPlaced.model_validate(event.data))
    if refusal_for(order) is not None:
        return BOOKINGS, order.order_id
    return SHIPMENTS, shipment_id_for_order(order.order_id)


def cancelled_shipment(event: CloudEvent) -> tuple[str, str]:
    return SHIPMENTS, shipment_id_for_order(event.data["order_id"])


def tracked_shipment(event: CloudEvent) -> tuple[str, str]:
    return SHIPMENTS, event.data["shipment_id"]


def register_keys(events: Sequence[CloudEvent], deps: Deps) -> Rejections:
    issued = [ShipperKeyIssued.model_validate(e.data) for e in events]
    deps.keys.register([(k.key_hash, k.shipper_id, k.key_id) for k in issued])
    return []


def revoke_keys(events: Sequence[CloudEvent], deps: Deps) -> Rejections:
    revoked = [ShipperKeyRevoked.model_validate(e.data) for e in events]
    deps.keys.revoke([(k.key_hash, k.shipper_id, k.key_id) for k in revoked])
    return []


# What the consumer hands to which handler, and where each event's document is; other types are skipped.
ROUTES: dict[str, Handles] = {
    "order.placed": Handles(place_order, order_outcome),
    "order.cancelled": Handles(cancel_shipment, cancelled_shipment),
    "tracking.status_changed": Handles(note_pickup, tracked_shipment),
}
# The API keys replica, written after the batch's documents; revocations last, though either order ends
# revoked (an issue never overwrites a stored key).
AFTER_WRITE: dict[str, Callable[[Sequence[CloudEvent], Deps], Rejections]] = {
    "shipper.key_issued": register_keys,
    "shipper.key_revoked": revoke_keys,
}
