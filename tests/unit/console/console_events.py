"""Valid events of every type the console's read model consumes, for one parcel journey at a time."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from shared.events.envelope import CloudEvent, new_event

T0 = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
# (status, milestone, leg, carrier) of a journey's status changes, in order.
JOURNEY = (
    ("picked_up", "first_mile_picked_up", "first_mile", "sf_express"),
    ("in_transit", "origin_hub_processed", "first_mile", "sf_express"),
    ("on_hold", "export_customs_in_progress", "export_customs", "sf_express"),
    ("in_transit", "export_customs_cleared", "export_customs", "sf_express"),
    ("in_transit", "linehaul_departed", "air_linehaul", "sf_express"),
    ("in_transit", "arrived_destination_country", "air_linehaul", "ups"),
    ("in_transit", "import_customs_released", "import_customs", "ups"),
    ("out_for_delivery", "out_for_delivery", "last_mile", "ups"),
    ("delivered", "delivered", "last_mile", "ups"),
)


def ids(n: int) -> tuple[str, str]:
    """The (order id, shipment id) of journey `n`."""
    return f"ord_{n:06d}", f"PBC{n:09d}"


def placed(n: int) -> CloudEvent:
    order_id, _ = ids(n)
    data = {
        "order_id": order_id, "shipper_id": "shp_1", "shipper_reference": f"REF-{n}", "placed_at": T0.isoformat(),
        "sender": {"name": "Li Wei", "phone": "+86 755 8888 0000", "address_lines": ["1 Keji Road"],
                   "city": "Shenzhen", "province": "Guangdong", "postal_code": "518000", "country": "CN"},
        "recipient": {"name": "Ann Smith", "phone": "+1 310 555 0100", "address_lines": ["100 Main St"],
                      "city": "Los Angeles", "state": "CA", "zip": "90012", "country": "US"},
        "parcels": [{"weight_kg": "1.2", "length_cm": "30", "width_cm": "20", "height_cm": "10"}],
        "customs": {"incoterm": "DDP", "contents_type": "merchandise",
                    "items": [{"description": "T-shirt", "quantity": 2, "unit_value": "70.00", "currency": "CNY",
                               "hs_code": "610910", "origin_country": "CN"}]},
        "service_level": "standard",
    }
    return new_event("order.placed", order_id, data, source="/parcelbridge/orders", time=T0)


def booked(n: int) -> CloudEvent:
    order_id, shipment_id = ids(n)
    at = T0 + timedelta(minutes=1)
    data = {
        "shipment_id": shipment_id, "order_id": order_id, "shipper_id": "shp_1", "sf_waybill": f"SF{n:013d}",
        "ups_tracking_number": f"1Z{n:016d}", "service_level": "standard",
        "legs": [{"leg": "first_mile", "carrier": "sf_express", "origin": "A", "destination": "B",
                  "planned_start": at.isoformat(), "planned_end": (at + timedelta(days=9)).isoformat()}],
        "promised_delivery_date": "2026-01-20",
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "19.80",
                    "duties_estimate_usd": "0", "duty_payer": "shipper"},
        "booked_at": at.isoformat(),
    }
    return new_event("shipment.booked", shipment_id, data, source="/parcelbridge/shipping", time=at)


def booking_failed(n: int) -> CloudEvent:
    order_id, _ = ids(n)
    data = {"order_id": order_id, "shipper_id": "shp_1", "reason_code": "overweight", "reason": "75 kg"}
    return new_event("shipment.booking_failed", order_id, data, source="/parcelbridge/shipping", time=T0)


def scan_id(n: int, step: int) -> str:
    return hashlib.md5(f"{n}/{step}".encode()).hexdigest()


def scan(n: int, step: int) -> CloudEvent:
    """Step `step` of JOURNEY as a carrier scan (unmapped when its status is None)."""
    _, shipment_id = ids(n)
    status, milestone, leg, carrier = JOURNEY[step]
    at = T0 + timedelta(hours=step + 1)
    data = {"scan_id": scan_id(n, step), "shipment_id": shipment_id, "carrier": carrier,
            "carrier_number": f"SF{n:013d}", "occurred_at": at.isoformat(), "location": {"city": "Shenzhen"},
            "raw_codes": {"code": f"C{step}"}, "status": status, "milestone": milestone, "leg": leg,
            "reason": "customs_inspection" if status == "on_hold" else None, "mapped_from": "code"}
    return new_event("scan.recorded", shipment_id, data, source="/parcelbridge/tracking", time=at)


def status_changed(n: int, step: int) -> CloudEvent:
    order_id, shipment_id = ids(n)
    status, milestone, leg, carrier = JOURNEY[step]
    previous = JOURNEY[step - 1] if step else ("pending", "label_created", None, None)
    at = T0 + timedelta(hours=step + 1)
    data = {"shipment_id": shipment_id, "order_id": order_id, "status": status, "milestone": milestone,
            "previous_status": previous[0], "previous_milestone": previous[1], "leg": leg, "carrier": carrier,
            "occurred_at": at.isoformat(), "physically_scanned": True, "scan_id": scan_id(n, step)}
    return new_event("tracking.status_changed", shipment_id, data, source="/parcelbridge/tracking",
                     time=at + timedelta(seconds=1))


def journey(n: int, steps: int = len(JOURNEY)) -> list[CloudEvent]:
    """Order placed, booked, then `steps` scans each followed by the status change it caused."""
    return [placed(n), booked(n), *(e for step in range(steps) for e in (scan(n, step), status_changed(n, step)))]
