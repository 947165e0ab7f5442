"""Pipeline figures from the read model: funnel, entries per hour, stuck parcels, customs, latency."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from services.console.domain.pipeline import CUSTOMS, MILESTONES, STAGES, TERMINAL, Document, when

HOUR = timedelta(hours=1)
# How long a parcel may stay in a stage before it counts as stuck (overridable by configuration).
DEFAULT_LIMITS: dict[str, timedelta] = {
    "order_created": timedelta(hours=1),
    "label_created": timedelta(hours=48),  # no first carrier scan 48 h after the label
    "first_mile_picked_up": timedelta(hours=24),
    "origin_hub_processed": timedelta(hours=24),
    "export_customs_in_progress": timedelta(hours=24),
    "export_customs_cleared": timedelta(hours=24),
    "linehaul_departed": timedelta(hours=48),
    "arrived_destination_country": timedelta(hours=24),
    "import_customs_in_progress": timedelta(hours=48),
    "import_customs_released": timedelta(hours=24),
    "last_mile_in_transit": timedelta(hours=72),
    "out_for_delivery": timedelta(hours=14),
    "delivery_attempted": timedelta(hours=48),
    "returning": timedelta(days=10),
}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class InvalidLimits(ValueError):
    """A stage-limit setting that cannot be read."""


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise InvalidLimits(f"{text!r} is not a duration like 90s, 30m, 48h or 2d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def parse_limits(text: str) -> dict[str, timedelta]:
    """`stage=duration,...` over the defaults; raises InvalidLimits naming the bad part."""
    limits = dict(DEFAULT_LIMITS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        stage, sep, duration = part.partition("=")
        if not sep or stage.strip() not in STAGES or stage.strip() in TERMINAL:
            raise InvalidLimits(f"{part!r}: expected <non-terminal stage>=<duration>")
        limits[stage.strip()] = parse_duration(duration)
    return limits


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {"count": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
            "p99": percentile(values, 99)}


def funnel(parcels: Iterable[Document]) -> dict[str, int]:
    counts = dict.fromkeys(STAGES, 0)
    for parcel in parcels:
        counts[parcel.get("stage") or "order_created"] = counts.get(parcel.get("stage") or "order_created", 0) + 1
    return counts


def entries_per_hour(parcels: Iterable[Document], now: datetime, hours: int = 24,
                     stages: Sequence[str] = MILESTONES) -> dict[str, Any]:
    """For each milestone, how many parcels first reached it in each of the last `hours` hours (oldest first)."""
    start = now.replace(minute=0, second=0, microsecond=0) - (hours - 1) * HOUR
    buckets = {stage: [0] * hours for stage in stages}
    for parcel in parcels:
        for stage, at in (parcel.get("milestones") or {}).items():
            moment = when(at)
            if stage in buckets and moment and start <= moment < start + hours * HOUR:
                buckets[stage][int((moment - start) / HOUR)] += 1
    return {"hours": [(start + i * HOUR).timestamp() for i in range(hours)], "series": buckets}


def stuck(parcels: Iterable[Document], now: datetime, limits: Mapping[str, timedelta], limit: int = 200
          ) -> list[dict[str, Any]]:
    """Parcels whose time in their current stage exceeds that stage's limit, longest overdue first."""
    rows = []
    for parcel in parcels:
        stage = parcel.get("stage") or "order_created"
        since = when(parcel.get("stage_since"))
        if stage in TERMINAL or since is None or stage not in limits:
            continue
        dwell = now - since
        if dwell > limits[stage]:
            rows.append({"shipment_id": parcel["_id"], "stage": stage, "since": since,
                         "dwell_s": dwell.total_seconds(), "limit_s": limits[stage].total_seconds(),
                         "over_s": (dwell - limits[stage]).total_seconds(), "reason": parcel.get("reason"),
                         "carrier": parcel.get("carrier"), "order_id": parcel.get("order_id")})
    rows.sort(key=lambda row: -row["over_s"])
    return rows[:limit]


def customs_panel(parcels: Sequence[Document], now: datetime) -> dict[str, Any]:
    """Parcels in export and import customs now (by port and hold reason), and dwell percentiles."""
    panel: dict[str, Any] = {}
    for stage, side in CUSTOMS.items():
        here = [p for p in parcels if p.get("stage") == stage]
        by_port: dict[str, int] = {}
        by_reason: dict[str, int] = {}
        for parcel in here:
            port = (parcel.get("customs") or {}).get(f"{side}_port") or "unknown"
            by_port[port] = by_port.get(port, 0) + 1
            if parcel.get("reason"):
                by_reason[parcel["reason"]] = by_reason.get(parcel["reason"], 0) + 1
        ongoing = [(now - when(p["stage_since"])).total_seconds() for p in here if p.get("stage_since")]
        panel[side] = {"now": len(here), "by_port": by_port, "holds": by_reason,
                       "dwell_now_s": summary(ongoing), "dwell_done_s": summary(customs_dwell(parcels, side))}
    return panel


def customs_dwell(parcels: Iterable[Document], side: str) -> list[float]:
    values = []
    for parcel in parcels:
        customs = parcel.get("customs") or {}
        began, ended = when(customs.get(f"{side}_in")), when(customs.get(f"{side}_out"))
        if began and ended and ended >= began:
            values.append((ended - began).total_seconds())
    return values


def _between(parcels: Iterable[Document], first: str, last: str) -> list[float]:
    values = []
    for parcel in parcels:
        began, ended = when(_field(parcel, first)), when(_field(parcel, last))
        if began and ended and ended >= began:
            values.append((ended - began).total_seconds())
    return values


def _field(parcel: Document, path: str) -> Any:
    value: Any = parcel
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


LATENCIES = {
    "order → booked": ("placed_at", "booked_at"),
    "order → first carrier scan": ("placed_at", "first_scan_at"),
    "US arrival → delivered": ("milestones/arrived_destination_country", "delivered_at"),
    "order → delivered": ("placed_at", "delivered_at"),
}


def latency(parcels: Sequence[Document]) -> dict[str, Any]:
    """End-to-end latencies (seconds) and each service's own processing delay (milliseconds)."""
    figures = {name: summary(_between(parcels, *fields)) for name, fields in LATENCIES.items()}
    figures["export customs dwell"] = summary(customs_dwell(parcels, "export"))
    figures["import customs dwell"] = summary(customs_dwell(parcels, "import"))
    delays: dict[str, list[float]] = {}
    for parcel in parcels:
        for name, values in (parcel.get("delays") or {}).items():
            delays.setdefault(name, []).extend(v for v in values if v >= 0)
    return {"end_to_end_s": figures, "service_delay_ms": {name: summary(v) for name, v in sorted(delays.items())}}


def group_count(rows: Iterable[Document], *fields: str) -> list[dict[str, Any]]:
    """Counts of rows by the given fields, most frequent first."""
    counts: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row.get(f) or "unknown" for f in fields)
        counts[key] = counts.get(key, 0) + 1
    return [{**dict(zip(fields, key, strict=True)), "count": n}
            for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def exceptions_panel(rows: Sequence[Document], since: datetime) -> dict[str, Any]:
    recent = [r for r in rows if when(r.get("at")) and when(r["at"]) >= since]
    samples = sorted(recent, key=lambda r: when(r["at"]), reverse=True)[:20]
    return {"total": len(recent), "by_reason": group_count(recent, "reason"), "by_leg": group_count(recent, "leg"),
            "by_carrier_reason": group_count(recent, "carrier", "reason"),
            "samples": [{k: r.get(k) for k in ("at", "carrier", "leg", "reason", "raw_text", "code", "shipment_id")}
                        for r in samples]}


def unmapped_panel(rows: Sequence[Document]) -> list[dict[str, Any]]:
    """Unmapped carrier codes, most frequent first, each with a few raw samples."""
    by_code: dict[tuple[str, str], list[Document]] = {}
    for row in rows:
        by_code.setdefault((row.get("carrier", "?"), row.get("code", "?")), []).append(row)
    ranked = sorted(by_code.items(), key=lambda item: -len(item[1]))
    return [{"carrier": carrier, "code": code, "count": len(items),
             "last_at": max((when(i["at"]) for i in items if i.get("at")), default=None),
             "samples": [i.get("raw_text", "") for i in items[:3]]} for (carrier, code), items in ranked[:50]]


def freshness(parcels: Iterable[Document], now: datetime) -> dict[str, Any]:
    """Time since the last SF and the last UPS scan, and how many parcels are on each carrier's legs now."""
    last: dict[str, datetime] = {}
    active = {"sf_express": 0, "ups": 0}
    for parcel in parcels:
        for carrier, at in (parcel.get("last_scan") or {}).items():
            moment = when(at)
            if moment and (carrier not in last or moment > last[carrier]):
                last[carrier] = moment
        stage = parcel.get("stage")
        if stage in TERMINAL or stage == "order_created":
            continue
        carrier = "ups" if stage in MILESTONES[MILESTONES.index("import_customs_released"):] else "sf_express"
        active[carrier] += 1
    return {carrier: {"last_scan_at": last.get(carrier),
                      "age_s": (now - last[carrier]).total_seconds() if carrier in last else None,
                      "active_parcels": active[carrier]} for carrier in ("sf_express", "ups")}
