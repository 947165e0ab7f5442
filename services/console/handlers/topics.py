"""Topics: partitions, offsets, produced/s, retention, and the groups reading each with their lag.

Read-only: offsets come from the admin client, rates from the sampler's stored end offsets.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from services.console.adapters.history import MongoHistory
from services.console.adapters.kafka_reader import KafkaInspector
from services.console.domain.lag import rate
from services.console.handlers.groups import SERVICE_GROUPS, lags, stored_lag
from shared.kafka.topics import DLQ_SUFFIX


def topic_rates(samples: Mapping[str, list[dict[str, Any]]], window: float = 60.0) -> dict[str, float | None]:
    """Produced records per second over about the last `window` seconds of end-offset samples."""
    rates: dict[str, float | None] = {}
    for topic, points in samples.items():
        if len(points) < 2:
            rates[topic] = None
            continue
        last = points[-1]
        first = next((p for p in points if last["at"] - p["at"] <= window), points[0])
        if first is last:
            first = points[-2]
        rates[topic] = rate((first["at"], first["end"]), (last["at"], last["end"]))
    return rates


def topics_view(inspector: KafkaInspector, history: MongoHistory) -> list[dict[str, Any]]:
    """Every topic: partitions, start/end offsets, produced/s, retention, and the groups reading it with lag."""
    metas = inspector.topics()
    snapshot = inspector.snapshot()
    group_lags = lags(snapshot)
    statuses = {g["group"]: g for g in stored_lag(history).get("groups", [])}
    rates = topic_rates(history.topic_samples())
    rows = []
    for meta in metas:
        parts = [(meta.name, p) for p in meta.partitions]
        readers = []
        for group, lag in sorted(group_lags.items()):
            if meta.name in lag.topics:
                readers.append({"group": group, "lag": lag.by_topic().get(meta.name),
                                "status": statuses.get(group, {}).get("status")})
        start = sum(snapshot.starts.get(tp, 0) for tp in parts)
        end = sum(snapshot.ends.get(tp, 0) for tp in parts)
        rows.append({"name": meta.name, "partitions": len(meta.partitions), "start": start, "end": end,
                     "messages": end - start, "rate": rates.get(meta.name), "retention_ms": meta.retention_ms,
                     "under_replicated": meta.under_replicated, "dlq": meta.name.endswith(DLQ_SUFFIX),
                     "groups": readers})
    return rows


def topic_partitions(inspector: KafkaInspector, topic: str) -> list[dict[str, Any]]:
    snapshot = inspector.snapshot([])
    keys = sorted(k for k in snapshot.ends if k[0] == topic)
    return [{"partition": p, "start": snapshot.starts.get((t, p), 0), "end": snapshot.ends[(t, p)],
             "messages": snapshot.ends[(t, p)] - snapshot.starts.get((t, p), 0)} for t, p in keys]


def flow(group_samples: dict[str, list[dict[str, Any]]], topic_samples: dict[str, list[dict[str, Any]]]
         ) -> list[dict[str, Any]]:
    """Produced/s per topic beside consumed/s by each service group reading it."""
    produced = topic_rates(topic_samples)
    rows = []
    for topic in sorted(t for t in produced if not t.startswith("test") and not t.endswith(".dlq")):
        consumed = []
        for group in SERVICE_GROUPS:
            points = group_samples.get(group, [])
            recent = [p for p in points if points and points[-1]["at"] - p["at"] <= 60]
            if len(recent) < 2:
                continue
            first = sum(p["c"] or 0 for p in recent[0]["parts"] if p["t"] == topic and p.get("c") is not None)
            last = sum(p["c"] or 0 for p in recent[-1]["parts"] if p["t"] == topic and p.get("c") is not None)
            if any(p["t"] == topic for p in recent[-1]["parts"]):
                seconds = recent[-1]["at"] - recent[0]["at"]
                consumed.append({"group": group, "rate": max(0, last - first) / seconds if seconds else None})
        series = topic_samples.get(topic, [])[-60:]
        spark = {"x": [p["at"] for p in series[1:]],
                 "y": [max(0, b["end"] - a["end"]) / max(1e-6, b["at"] - a["at"]) for a, b in pairwise(series)]}
        rows.append({"topic": topic, "produced": produced[topic], "consumed": consumed, "spark": spark})
    return rows
