"""Topics: partitions, offsets, produced/s, retention, and the groups reading each with their lag.

Read-only: offsets come from the admin client, rates from the sampler's stored end offsets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.console.adapters.history import MongoHistory
from services.console.adapters.kafka_reader import KafkaInspector
from services.console.domain.lag import rate
from services.console.handlers.groups import lags
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
    statuses = {g["group"]: g for g in (_lag_snapshot(history) or {}).get("groups", [])}
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


def _lag_snapshot(history: MongoHistory) -> dict[str, Any] | None:
    found = history.snapshot("lag")
    return found[1] if found else None
