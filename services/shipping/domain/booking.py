"""Deciding what an order becomes: a booked shipment, or a refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.shipping.domain import customs, planning, refusals
from services.shipping.domain.model import Numbers, Order, Refusal, Shipment


def book(order: Order, at: datetime, new_numbers: Callable[[], Numbers]) -> Shipment | Refusal:
    """The shipment booked for `order` at `at`, or why it is refused (no numbers are spent on a refusal)."""
    refusal = refusals.refusal_for(order)
    if refusal is not None:
        return refusal
    declaration = customs.declare(order)
    legs = planning.plan_legs(order, declaration.us_entry_type, at)
    numbers = new_numbers()
    return Shipment(
        shipment_id=numbers.shipment_id,
        sf_waybill=numbers.sf_waybill,
        ups_tracking_number=numbers.ups_tracking_number,
        order_id=order.order_id,
        shipper_id=order.shipper_id,
        shipper_reference=order.shipper_reference,
        service_level=order.service_level,
        sender=order.sender,
        recipient=order.recipient,
        parcels=order.parcels,
        legs=legs,
        promised_delivery_date=planning.promised_delivery_date(legs, order.service_level),
        customs=declaration,
        booked_at=at,
    )
