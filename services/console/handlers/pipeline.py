"""The pipeline views: a snapshot of funnel, stuck parcels, customs, exceptions, latency; and the parcel trace."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from services.console.adapters.history import MongoHistory
from services.console.adapters.readmodel import EXCEPTIONS, UNMAPPED, MongoReadModel
from services.console.domain import snapshot as sn
from services.console.domain.pipeline import when
from services.console.handlers import alerts
from services.console.handlers.groups import SERVICE_GROUPS, service_rank, stored_lag
from services.console.handlers.topics import flow

SNAPSHOT = "pipeline"
CHARTED = ("label_created", "first_mile_picked_up", "linehaul_departed", "import_customs_released", "delivered")


def compute(model: MongoReadModel, now: datetime, limits: Mapping[str, timedelta]) -> dict[str, Any]:
    parcels = model.all_parcels()
    orders = model.open_orders()
    funnel = sn.funnel([*parcels, *orders])
    stuck = sn.stuck([*parcels, *[o for o in orders if o.get("stage") == "order_created"]], now, limits)
    day_ago = now - timedelta(hours=24)
    entries = sn.entries_per_hour(parcels, now)
    return {
        "at": now,
        "parcels": len(parcels),
        "funnel": funnel,
        "entries": entries,
        "entries_chart": {"x": entries["hours"], "y": [entries["series"][s] for s in CHARTED],
                          "labels": [s.replace("_", " ") for s in CHARTED]},
        "stuck": stuck[:100],
        "stuck_count": len(stuck),
        "stuck_by_stage": sn.group_count(stuck, "stage"),
        "limits_s": {stage: limit.total_seconds() for stage, limit in limits.items()},
        "customs": _listed_ports(sn.customs_panel(parcels, now)),
        "exceptions": sn.exceptions_panel(model.rows(EXCEPTIONS, since=day_ago), day_ago),
        "unmapped": sn.unmapped_panel(model.rows(UNMAPPED, since=now - timedelta(days=7))),
        "latency": sn.latency(parcels),
        "freshness": sn.freshness(parcels, now),
    }


def _listed_ports(panel: dict[str, Any]) -> dict[str, Any]:
    for side in panel.values():
        side["by_port"] = sorted(({"port": k, "count": v} for k, v in side["by_port"].items()),
                                 key=lambda row: -row["count"])
        side["holds"] = sorted(({"reason": k, "count": v} for k, v in side["holds"].items()),
                               key=lambda row: -row["count"])
    return panel


def current(model: MongoReadModel, history: MongoHistory, now: datetime, limits: Mapping[str, timedelta],
            max_age: timedelta = timedelta(seconds=120)) -> dict[str, Any]:
    """The stored snapshot when fresh (the sampler keeps it so), else computed and stored now."""
    stored = history.snapshot(SNAPSHOT)
    if stored and now - stored[0] <= max_age:
        return stored[1]
    data = compute(model, now, limits)
    history.save_snapshot(SNAPSHOT, now, data)
    return history.snapshot(SNAPSHOT)[1]  # type: ignore[index]


def trace(model: MongoReadModel, number: str) -> dict[str, Any] | None:
    """Every event the console saw for the parcel a number names, in one timeline, with its current state."""
    shipment_id = model.resolve(number)
    parcel = model.parcel(shipment_id) if shipment_id else None
    order = None
    if parcel is None:
        order = model.order(number.strip())
        if order is None:
            return None
        parcel = model.parcel(order["shipment_id"]) if order.get("shipment_id") else None
    elif parcel.get("order_id"):
        order = model.order(parcel["order_id"])
    entries = [*(order or {}).get("trace", []), *(parcel or {}).get("trace", [])]
    unique = {(e["topic"], e["partition"], e["offset"]): e for e in entries}
    timeline = sorted(unique.values(), key=lambda e: (when(e.get("at")) or datetime.min, e["offset"]))
    state = {k: v for k, v in (parcel or order or {}).items()
             if k not in ("trace", "scan_ms", "applied_events", "version", "outbox", "outbox_pending")}
    keys = [k for k in ((parcel or {}).get("_id"), (parcel or {}).get("order_id") or (order or {}).get("_id")) if k]
    return {"number": number, "shipment_id": (parcel or {}).get("_id"), "keys": keys, "state": state,
            "timeline": timeline}


def overview(model: MongoReadModel, history: MongoHistory, now: datetime, limits: Mapping[str, timedelta]
             ) -> dict[str, Any]:
    """Health tiles, funnel, produced vs consumed per topic, freshness and firing alerts."""
    snap = stored_lag(history)
    samples = history.all_lag_samples()
    groups = snap.get("groups", [])
    # The services' own groups; where none runs (a bare broker), the groups furthest behind instead.
    shown = [g for g in groups if g["group"] in SERVICE_GROUPS] or sorted(
        groups, key=lambda g: -(g.get("lag") or 0))[:8]
    tiles = []
    for g in shown:
        points = samples.get(g["group"], [])[-60:]
        tiles.append({**g, "spark": {"x": [p["at"] for p in points], "y": [p.get("lag") or 0 for p in points]}})
    tiles.sort(key=lambda t: (service_rank(t["group"]), t["group"]))
    pipeline = current(model, history, now, limits)
    return {"tiles": tiles, "pipeline": pipeline, "flow": flow(samples, history.topic_samples()),
            "dlq": snap.get("dlq", []), "alerts": alerts.firing(history), "snapshot_at": snap.get("at"),
            "cost": snap.get("cost")}
