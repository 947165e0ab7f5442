from datetime import UTC, datetime, timedelta

import pytest

from services.console.domain import pipeline as pl
from services.console.domain import snapshot as sn

T0 = datetime(2026, 1, 10, 0, 0, tzinfo=UTC)


def booked(parcel_id="PB1", at=T0):
    data = {"shipment_id": parcel_id, "order_id": "ord_1", "shipper_id": "shp_1", "sf_waybill": "SF1234567890123",
            "ups_tracking_number": "1Z999AA10123456784", "service_level": "standard",
            "promised_delivery_date": "2026-01-20", "booked_at": at.isoformat()}
    placed = at - timedelta(minutes=2)
    order = {"_id": "ord_1", "placed_at": placed, "record_ms": placed.timestamp() * 1000}
    return pl.on_booked(pl.new_parcel(parcel_id), data, at + timedelta(seconds=1), order)


def status(parcel, milestone, at, status="in_transit", reason=None):
    data = {"shipment_id": parcel["_id"], "order_id": "ord_1", "status": status, "milestone": milestone,
            "leg": "first_mile", "carrier": "sf_express", "reason": reason, "occurred_at": at.isoformat()}
    return pl.on_status(parcel, data, at)


def test_a_booked_parcel_enters_label_created_with_its_order_time():
    parcel = booked()
    assert parcel["stage"] == "label_created"
    assert parcel["placed_at"] == T0 - timedelta(minutes=2)
    assert parcel["delays"]["shipping_booking"] == [121000.0]


def test_status_changes_move_the_stage_and_remember_each_milestone_once():
    parcel = status(booked(), "first_mile_picked_up", T0 + timedelta(hours=3))
    parcel = status(parcel, "export_customs_in_progress", T0 + timedelta(hours=10))
    assert parcel["stage"] == "export_customs_in_progress"
    assert parcel["stage_since"] == T0 + timedelta(hours=10)
    assert parcel["customs"]["export_in"] == T0 + timedelta(hours=10)
    assert set(parcel["milestones"]) == {"label_created", "first_mile_picked_up", "export_customs_in_progress"}


def test_scans_record_first_physical_scan_freshness_and_customs_port():
    scan = {"scan_id": "a" * 32, "shipment_id": "PB1", "carrier": "sf_express", "occurred_at": (T0 + timedelta(hours=5))
            .isoformat(), "status": "in_transit", "milestone": "export_customs_in_progress", "kind": "movement",
            "location": {"city": "Shenzhen"}, "mapped_from": "opCode", "raw_codes": {"opCode": "30"}}
    parcel = pl.on_scan(booked(), scan, record_ms=0)
    assert parcel["first_scan_at"] == T0 + timedelta(hours=5)
    assert parcel["last_scan"]["sf_express"] == T0 + timedelta(hours=5)
    assert parcel["customs"]["export_port"] == "Shenzhen"


def test_unmapped_and_exception_scans_become_panel_rows():
    scan = {"scan_id": "b" * 32, "shipment_id": "PB1", "carrier": "ups", "occurred_at": T0.isoformat(),
            "status": "unknown", "milestone": None, "kind": "movement", "mapped_from": None,
            "raw_codes": {"type": "X", "code": "ZZ"}, "raw_text": "odd"}
    assert pl.unmapped_of(scan)["code"] == "code=ZZ,type=X"
    hold = {**scan, "status": "on_hold", "reason": "customs_inspection", "leg": "import_customs",
            "mapped_from": "code"}
    assert pl.unmapped_of(hold) is None
    assert pl.exception_of(hold)["reason"] == "customs_inspection"


def test_stuck_parcels_exceed_their_stage_limit_and_terminal_ones_never_do():
    fresh = booked("PB1", T0 + timedelta(hours=40))
    stale = booked("PB2", T0)
    done = status(booked("PB3", T0), "delivered", T0 + timedelta(hours=1), status="delivered")
    rows = sn.stuck([fresh, stale, done], T0 + timedelta(hours=50), sn.DEFAULT_LIMITS)
    assert [r["shipment_id"] for r in rows] == ["PB2"]
    assert rows[0]["over_s"] == 2 * 3600


def test_funnel_and_entries_per_hour():
    parcels = [booked("PB1"), status(booked("PB2"), "first_mile_picked_up", T0 + timedelta(hours=2))]
    counts = sn.funnel(parcels)
    assert (counts["label_created"], counts["first_mile_picked_up"]) == (1, 1)
    entries = sn.entries_per_hour(parcels, T0 + timedelta(hours=3), hours=4)
    assert entries["series"]["label_created"] == [2, 0, 0, 0]
    assert entries["series"]["first_mile_picked_up"] == [0, 0, 1, 0]


def test_percentiles_use_nearest_rank():
    values = list(range(1, 101))
    assert (sn.percentile(values, 50), sn.percentile(values, 90), sn.percentile(values, 99)) == (50, 90, 99)
    assert sn.percentile([], 50) is None


def test_latency_from_order_to_booking():
    figures = sn.latency([booked()])
    assert figures["end_to_end_s"]["order → booked"]["p50"] == 120
    assert figures["service_delay_ms"]["shipping_booking"]["count"] == 1


def test_stage_limits_are_configurable_and_checked():
    limits = sn.parse_limits("label_created=12h, import_customs_in_progress=2d")
    assert limits["label_created"] == timedelta(hours=12)
    assert limits["import_customs_in_progress"] == timedelta(days=2)
    with pytest.raises(sn.InvalidLimits):
        sn.parse_limits("delivered=1h")
    with pytest.raises(sn.InvalidLimits):
        sn.parse_limits("label_created=soon")
