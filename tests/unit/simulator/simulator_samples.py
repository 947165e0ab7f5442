"""A booked shipment and small helpers shared by the simulator unit tests."""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from services.simulator.domain.parcel import Parcel, parcel_from_booking
from services.simulator.domain.scenario import Journey, Odds, plan_journey
from shared.events.schemas.shipments import ShipmentBooked

BOOKED_AT = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
NONE = Odds(export_hold=0, import_hold=0, failed_attempt=0, pickup=0, returned=0, duplicate=0, out_of_order=0,
            unmapped=0, dap=0)
PLAN = (  # leg, carrier, origin, destination, start hour, end hour
    ("first_mile", "sf_express", "Shenzhen", "Shenzhen (SZX)", 0, 24),
    ("export_customs", "sf_express", "Shenzhen (SZX)", "Shenzhen (SZX)", 24, 36),
    ("air_linehaul", "jv", "SZX", "LAX", 36, 74),
    ("import_customs", "ups", "LAX", "LAX", 74, 86),
    ("last_mile", "ups", "LAX", "San Francisco, CA 94105", 86, 158),
)


def booked_data(duty_payer: str = "shipper", **changes: Any) -> dict[str, Any]:
    def at(hours: int) -> str:
        return (BOOKED_AT + timedelta(hours=hours)).isoformat()

    data = {
        "shipment_id": "PBGWYSWAHCD9N97", "order_id": "ord_aaaaaaaaaaaaaaaaaaaa", "shipper_id": "shp_1",
        "sf_waybill": "SF1234567890128", "ups_tracking_number": "1ZCIETST0111111114", "service_level": "standard",
        "legs": [{"leg": leg, "carrier": carrier, "origin": origin, "destination": destination,
                  "planned_start": at(start), "planned_end": at(end)}
                 for leg, carrier, origin, destination, start, end in PLAN],
        "promised_delivery_date": "2025-06-10",
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "20.00", "duty_payer": duty_payer,
                    "incoterm": "DAP" if duty_payer == "recipient" else "DDP"},
        "booked_at": BOOKED_AT.isoformat(),
        "destination": {"city": "San Francisco", "state": "CA", "zip": "94105"},
    }
    return {**data, **changes}


def parcel(duty_payer: str = "shipper", **changes: Any) -> Parcel:
    return parcel_from_booking(ShipmentBooked.model_validate(booked_data(duty_payer, **changes)))


def journey(odds: Odds = NONE, seed: int = 7, duty_payer: str = "shipper") -> Journey:
    return plan_journey(parcel(duty_payer), odds, random.Random(seed))


def steps(journey: Journey) -> list[str]:
    return [event.step.name for event in journey.events]


def independent_digest(body: str, timestamp: str, check_word: str) -> str:
    """SF's msgDigest computed apart from the simulator's code."""
    # Java's URLEncoder keeps letters, digits and .-*_; Python's quote_plus also keeps ~, which Java encodes.
    encoded = quote_plus(body + timestamp + check_word, safe="*").replace("~", "%7E")
    return base64.b64encode(hashlib.md5(encoded.encode()).digest()).decode()
