"""Every event type, its current version and the schema of its data — declared once."""

from __future__ import annotations

from pydantic import BaseModel

from shared.errors import UnknownEventType
from shared.events.schemas import orders, scans, shipments, shippers, tracking

# short type -> (version, data model). A breaking change adds a new version and a new model.
EVENT_TYPES: dict[str, tuple[int, type[BaseModel]]] = {
    "shipper.key_issued": (1, shippers.ShipperKeyIssued),
    "shipper.key_revoked": (1, shippers.ShipperKeyRevoked),
    "order.placed": (1, orders.OrderPlaced),
    "order.cancelled": (1, orders.OrderCancelled),
    "shipment.booked": (1, shipments.ShipmentBooked),
    "shipment.booking_failed": (1, shipments.ShipmentBookingFailed),
    "shipment.cancelled": (1, shipments.ShipmentCancelled),
    "shipment.cancellation_refused": (1, shipments.ShipmentCancellationRefused),
    "scan.recorded": (1, scans.ScanRecorded),
    "tracking.status_changed": (1, tracking.TrackingStatusChanged),
}


def full_type(short_type: str) -> str:
    """`com.parcelbridge.order.placed.v1` for `order.placed`."""
    version, _ = _entry(short_type)
    return f"com.parcelbridge.{short_type}.v{version}"


def data_model(short_type: str) -> type[BaseModel]:
    """The pydantic model that validates this type's `data`."""
    return _entry(short_type)[1]


def _entry(short_type: str) -> tuple[int, type[BaseModel]]:
    try:
        return EVENT_TYPES[short_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {short_type!r}") from None
