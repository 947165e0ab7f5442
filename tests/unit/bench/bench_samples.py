"""A booking to clone and vegeta reports, as the bench's pure parts receive them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events.schemas.shipments import ShipmentBooked

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEGS = (("first_mile", "sf_express", 0, 30), ("export_customs", "sf_express", 30, 54),
        ("air_linehaul", "sf_express", 54, 84), ("import_customs", "ups", 84, 108), ("last_mile", "ups", 108, 200))


def template() -> ShipmentBooked:
    booked_at = NOW + timedelta(days=3)  # a template booked later than "now": the seeder moves it back
    return ShipmentBooked.model_validate({
        "shipment_id": "PBGWYSWAHCD9N97", "order_id": "ord_aaaaaaaaaaaaaaaaaaaa", "shipper_id": "shp_1",
        "sf_waybill": "SF1234567890128", "ups_tracking_number": "1ZCIETST0111111114", "service_level": "standard",
        "legs": [{"leg": leg, "carrier": carrier, "origin": "Shenzhen", "destination": "Los Angeles, CA 90001",
                  "planned_start": booked_at + timedelta(hours=start), "planned_end": booked_at + timedelta(hours=end)}
                 for leg, carrier, start, end in LEGS],
        "promised_delivery_date": (booked_at + timedelta(days=9)).date(),
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "0", "duty_payer": "shipper"},
        "booked_at": booked_at,
        "destination": {"city": "Los Angeles", "state": "CA", "zip": "90001", "recipient_initials": "J. D."},
    })


def vegeta_report(codes: dict[str, int], errors: list[str] | None = None, p99_ns: int = 40_000_000,
                  duration_ns: int = 10_000_000_000, wait_ns: int = 0) -> str:
    """`vegeta report -type=json` as vegeta v12 prints it (latencies in nanoseconds)."""
    requests = sum(codes.values())
    return json.dumps({
        "latencies": {"total": 0, "mean": 12_000_000, "50th": 10_000_000, "90th": 20_000_000, "95th": 25_000_000,
                      "99th": p99_ns, "max": 100_000_000, "min": 500_000},
        "bytes_in": {"total": 0, "mean": 0}, "bytes_out": {"total": 0, "mean": 0},
        "earliest": "2026-11-26T12:19:17.90188694Z", "latest": "2026-11-26T12:19:18.849242937Z",
        "end": "2026-11-26T12:19:18.850827921Z", "duration": duration_ns, "wait": wait_ns, "requests": requests,
        "rate": requests / (duration_ns / 1e9), "throughput": 0, "success": 1, "status_codes": codes,
        "errors": errors or [],
    })


def step(rate: float, p99_ms: float = 10.0, errors: int = 0, **extra: Any) -> dict[str, Any]:
    """One fixed-rate GET step's result, in the shape vegeta.parse_report gives."""
    return {"rate_per_s": rate, "duration_s": 20, "requests": round(rate * 20), "errors": errors,
            "ms": {"p50": p99_ms / 2, "p99": p99_ms, "max": p99_ms, "count": round(rate * 20)}, **extra}
