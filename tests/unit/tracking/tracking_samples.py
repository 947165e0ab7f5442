"""Numbers, a booking and small scan builders shared by the tracking unit tests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import CanonicalScan, scan_id

FIXTURES = Path(__file__).parent / "fixtures"
SHIPMENT = "PBGWYSWAHCD9N97"
SF = "SF1234567890128"
UPS = "1ZCIETST0111111114"
BOOKED_AT = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def booked_data(**changes: Any) -> dict[str, Any]:
    legs = [
        ("first_mile", "sf_express", "2025-06-01T10:00:00Z", "2025-06-02T18:00:00Z"),
        ("export_customs", "sf_express", "2025-06-02T18:00:00Z", "2025-06-03T18:00:00Z"),
        ("air_linehaul", "sf_express", "2025-06-03T18:00:00Z", "2025-06-05T06:00:00Z"),
        ("import_customs", "ups", "2025-06-05T06:00:00Z", "2025-06-06T18:00:00Z"),
        ("last_mile", "ups", "2025-06-06T18:00:00Z", "2025-06-10T23:00:00Z"),
    ]
    data = {
        "shipment_id": SHIPMENT, "order_id": "ord_aaaaaaaaaaaaaaaaaaaa", "shipper_id": "shp_1",
        "sf_waybill": SF, "ups_tracking_number": UPS, "service_level": "standard",
        "legs": [{"leg": leg, "carrier": carrier, "origin": "A", "destination": "B", "planned_start": start,
                  "planned_end": end} for leg, carrier, start, end in legs],
        "promised_delivery_date": "2025-06-11",
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "20.00", "duty_payer": "shipper"},
        "booked_at": BOOKED_AT.isoformat(),
        "destination": {"city": "Los Angeles", "state": "CA", "zip": "90001"},
    }
    return {**data, **changes}


def scan(status: str | None, milestone: str | None, at: datetime, *, carrier: str = "ups", reason: str | None = None,
         kind: str = "movement", code: str | None = None, estimate: date | None = None,
         number: str = UPS) -> CanonicalScan:
    """A resolved canonical scan (as the consumer sees it)."""
    code = code or f"{status}:{milestone}:{kind}"
    return CanonicalScan(
        scan_id=scan_id(carrier, number, code, at), carrier=carrier, carrier_number=number, occurred_at=at,
        status=status, milestone=milestone, leg=LEG_OF[milestone] if milestone else None, reason=reason,
        raw_codes={"code": code}, raw_text=code, kind=kind, mapped_from=None if status == "unknown" else "code",
        delivery_estimate=estimate, shipment_id=SHIPMENT,
    )


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=UTC)


def complaint(parse: Any, payload: Any) -> str:
    """What a parser says of a payload with nothing usable: the whole payload's error, or the first refusal's
    or carrier error's message (asserting that no scan came out of it)."""
    from services.tracking.carriers.mapping import MalformedPayload

    try:
        parsed = parse(payload)
    except MalformedPayload as exc:
        return str(exc)
    assert not parsed.scans and not parsed.usable
    notes = [f"{r.where}: {r.message}" for r in parsed.refusals] + [f"{e.code} {e.message}" for e in parsed.errors]
    return notes[0]
