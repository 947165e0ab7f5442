"""An `order.placed` event and the other events the shipping service consumes, for integration tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.events.envelope import CloudEvent, new_event


def order_placed(order_id: str = "ord_001", shipper_id: str = "shp_a", **changes: Any) -> CloudEvent:
    data: dict[str, Any] = {
        "order_id": order_id,
        "shipper_id": shipper_id,
        "shipper_reference": f"REF-{order_id}",
        "placed_at": "2025-09-01T07:59:00Z",
        "sender": {"name": "李伟", "phone": "+86 755 8888 0000", "address_lines": ["科技路1号"],
                   "city": "Shenzhen", "province": "Guangdong", "postal_code": "518000", "country": "CN"},
        "recipient": {"name": "Ann Smith", "phone": "+1 212 555 0100", "address_lines": ["5 Fifth Ave"],
                      "city": "New York", "state": "NY", "zip": "10001", "country": "US"},
        "parcels": [{"weight_kg": "2.5", "length_cm": "40", "width_cm": "30", "height_cm": "20"}],
        "customs": {"incoterm": "DAP", "contents_type": "merchandise",
                    "items": [{"description": "Sneakers", "quantity": 1, "unit_value": "3000.00",
                               "currency": "USD", "hs_code": "640411", "origin_country": "CN"}]},
        "service_level": "express",
        **changes,
    }
    return new_event("order.placed", order_id, data, source="/parcelbridge/orders", request_id="req-it")


def order_cancelled(order_id: str = "ord_001", shipper_id: str = "shp_a") -> CloudEvent:
    data = {"order_id": order_id, "shipper_id": shipper_id}
    return new_event("order.cancelled", order_id, data, source="/parcelbridge/orders")


def picked_up(shipment_id: str) -> CloudEvent:
    data = {"shipment_id": shipment_id, "order_id": "ord_001", "status": "picked_up",
            "milestone": "first_mile_picked_up", "previous_status": "pending", "leg": "first_mile",
            "carrier": "sf_express", "occurred_at": datetime(2025, 9, 1, 12, tzinfo=UTC),
            "physically_scanned": True}
    return new_event("tracking.status_changed", shipment_id, data, source="/parcelbridge/tracking")


def key_event(short_type: str, key_hash: str, shipper_id: str = "shp_a") -> CloudEvent:
    data = {"shipper_id": shipper_id, "key_id": f"key-{shipper_id}", "key_hash": key_hash}
    if short_type == "shipper.key_issued":
        data["shipper_name"] = shipper_id.upper()
    return new_event(short_type, shipper_id, data, source="/parcelbridge/orders")
