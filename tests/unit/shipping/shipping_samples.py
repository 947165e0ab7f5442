"""Valid shipping inputs to vary in tests: an `order.placed` payload and its parts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.shipping.domain.model import Order
from services.shipping.messages import order_from_event
from shared.events.schemas.orders import OrderPlaced

NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)  # a Monday


def order_placed_data(**changes: Any) -> dict[str, Any]:
    """A valid order.placed payload; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "order_id": "ord_001",
        "shipper_id": "shp_a",
        "shipper_reference": "REF-1",
        "placed_at": "2025-09-01T07:59:00Z",
        "sender": {"name": "Li Wei", "phone": "+86 755 8888 0000", "address_lines": ["1 Keji Road"],
                   "city": "Shenzhen", "province": "Guangdong", "postal_code": "518000", "country": "CN"},
        "recipient": {"name": "Ann Smith", "phone": "+1 310 555 0100", "address_lines": ["100 Main St"],
                      "city": "Los Angeles", "state": "CA", "zip": "90012", "country": "US"},
        "parcels": [{"weight_kg": "1.2", "length_cm": "30", "width_cm": "20", "height_cm": "10"}],
        "customs": {"incoterm": "DDP", "contents_type": "merchandise",
                    "items": [{"description": "Cotton T-shirt", "quantity": 2, "unit_value": "70.00",
                               "currency": "CNY", "hs_code": "610910", "origin_country": "CN"}]},
        "service_level": "standard",
    }
    data.update(changes)
    return data


def make_order(**changes: Any) -> Order:
    return order_from_event(OrderPlaced.model_validate(order_placed_data(**changes)))


def customs_with(*items: dict[str, Any], incoterm: str = "DDP", **extra: Any) -> dict[str, Any]:
    return {"incoterm": incoterm, "contents_type": "merchandise", "items": list(items), **extra}


def item(hs_code: str = "610910", unit_value: str = "10.00", currency: str = "USD", quantity: int = 1,
         origin_country: str = "CN") -> dict[str, Any]:
    return {"description": "goods", "quantity": quantity, "unit_value": unit_value, "currency": currency,
            "hs_code": hs_code, "origin_country": origin_country}


def parcel(weight: str = "1", length: str = "30", width: str = "20", height: str = "10") -> dict[str, str]:
    return {"weight_kg": weight, "length_cm": length, "width_cm": width, "height_cm": height}
