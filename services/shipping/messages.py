"""Translation at the edge: order events in, domain objects; domain outcomes out, shipment events."""

from __future__ import annotations

from dataclasses import asdict

from services.shipping.domain.model import CannotCancel, Item, Order, Parcel, Party, Refusal, Shipment
from shared.events.envelope import CloudEvent, new_event
from shared.events.schemas.orders import OrderPlaced
from shared.privacy import initials

SOURCE = "/parcelbridge/shipping"


def order_from_event(placed: OrderPlaced) -> Order:
    """The domain's view of an `order.placed` payload."""
    sender, recipient = placed.sender, placed.recipient
    return Order(
        order_id=placed.order_id,
        shipper_id=placed.shipper_id,
        shipper_reference=placed.shipper_reference,
        sender=Party(sender.name, sender.phone, tuple(sender.address_lines), sender.city, sender.province,
                     sender.postal_code, sender.country),
        recipient=Party(recipient.name, recipient.phone, tuple(recipient.address_lines), recipient.city,
                        recipient.state, recipient.zip, recipient.country),
        parcels=tuple(Parcel(p.weight_kg, p.length_cm, p.width_cm, p.height_cm) for p in placed.parcels),
        items=tuple(
            Item(i.description, i.quantity, i.unit_value, i.currency, i.hs_code, i.origin_country)
            for i in placed.customs.items
        ),
        incoterm=placed.customs.incoterm,
        contents_type=placed.customs.contents_type,
        export_mode=placed.customs.export_mode,
        service_level=placed.service_level,
    )


def booked_event(shipment: Shipment, request_id: str | None) -> CloudEvent:
    customs = shipment.customs
    data = {
        "shipment_id": shipment.shipment_id,
        "order_id": shipment.order_id,
        "shipper_id": shipment.shipper_id,
        "sf_waybill": shipment.sf_waybill,
        "ups_tracking_number": shipment.ups_tracking_number,
        "service_level": shipment.service_level,
        "legs": [asdict(leg) for leg in shipment.legs],
        "promised_delivery_date": shipment.promised_delivery_date,
        "customs": {
            "export_mode": customs.export_mode,
            "us_entry_type": customs.us_entry_type,
            "declared_value_usd": customs.declared_value_usd,
            "duties_estimate_usd": customs.duties_estimate_usd,
            "duty_payer": customs.duty_payer,
            "incoterm": customs.incoterm,
        },
        "booked_at": shipment.booked_at,
        "destination": {
            "city": shipment.recipient.city,
            "state": shipment.recipient.region,
            "zip": shipment.recipient.postal_code,
            "recipient_initials": initials(shipment.recipient.name),
        },
    }
    return _event("shipment.booked", shipment.shipment_id, data, request_id)


def booking_failed_event(refusal: Refusal, request_id: str | None) -> CloudEvent:
    # Keyed by the order id: a refused order never gets a shipment id.
    return _event("shipment.booking_failed", refusal.order_id, asdict(refusal), request_id)


def cancelled_event(shipment: Shipment, request_id: str | None) -> CloudEvent:
    data = {**_ids(shipment), "cancelled_at": shipment.cancelled_at}
    return _event("shipment.cancelled", shipment.shipment_id, data, request_id)


def cancellation_refused_event(shipment: Shipment, refusal: CannotCancel, request_id: str | None) -> CloudEvent:
    data = {**_ids(shipment), "reason": refusal.reason, "reason_code": refusal.reason_code}
    return _event("shipment.cancellation_refused", shipment.shipment_id, data, request_id)


def _ids(shipment: Shipment) -> dict[str, str]:
    return {"shipment_id": shipment.shipment_id, "order_id": shipment.order_id, "shipper_id": shipment.shipper_id}


def _event(short_type: str, subject: str, data: dict, request_id: str | None) -> CloudEvent:
    return new_event(short_type, subject=subject, data=data, source=SOURCE, request_id=request_id)
