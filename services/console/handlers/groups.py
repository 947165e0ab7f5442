"""Consumer groups: lag in records and seconds, Burrow status, rates and time to drain, from offsets and samples.

Read-only: offsets and groups come from the admin client, record times from group-less consumers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import TopicPartition

from services.console.adapters.history import MongoHistory
from services.console.adapters.kafka_reader import TP, GroupMeta, KafkaInspector, OffsetsSnapshot, RecordReader
from services.console.domain import burrow
from services.console.domain.lag import GroupLag, group_lag, lag_seconds, rate, time_to_drain

# The sampler's latest lag round, stored under this name (see sampler.Sampler.round).
LAG_SNAPSHOT = "lag"


def stored_lag(history: MongoHistory) -> dict[str, Any]:
    """The sampler's latest round: each group's lag and status, the DLQ summaries, and what it cost."""
    found = history.snapshot(LAG_SNAPSHOT)
    return found[1] if found else {"groups": [], "dlq": [], "at": None}


def lags(snapshot: OffsetsSnapshot) -> dict[str, GroupLag]:
    return {group: group_lag(group, committed, snapshot.starts, snapshot.ends)
            for group, committed in snapshot.committed.items() if committed}


def samples_of(history_samples: list[dict[str, Any]]) -> dict[TP, list[burrow.Sample]]:
    """Stored group samples as Burrow samples per partition (oldest first)."""
    per: dict[TP, list[burrow.Sample]] = {}
    for sample in history_samples:
        for part in sample.get("parts", []):
            per.setdefault((part["t"], part["p"]), []).append(
                burrow.Sample(sample["at"], part.get("c"), part["e"], part.get("s", 0)))
    return per


def sample_doc(lag: GroupLag, at: float, lag_s: float | None, members: int) -> dict[str, Any]:
    return {"at": at, "lag": lag.total, "lag_s": lag_s, "members": members,
            "parts": [{"t": p.topic, "p": p.partition, "c": p.committed, "e": p.end, "s": p.start}
                      for p in lag.partitions]}


@dataclass(frozen=True)
class GroupStatus:
    status: burrow.Verdict
    partitions: dict[TP, burrow.Verdict | None]


def shown_lag(total: float | None, members: int) -> float | None:
    """The lag a page or alert shows: "n/a" instead of 0 for a group with no member (nobody is caught up)."""
    return total if members or total else None


def group_status(samples: list[dict[str, Any]], has_members: bool, window: int) -> GroupStatus:
    per = samples_of(samples[-window:])
    verdicts = {tp: burrow.evaluate_partition(points, has_members) for tp, points in per.items()}
    return GroupStatus(burrow.group_verdict(verdicts.values(), has_members), verdicts)


class RecordTimes:
    """Timestamps of records at given offsets (immutable, so cached) — for lag in seconds."""

    def __init__(self, limit: int = 5000) -> None:
        self.cache: dict[tuple[str, int, int], int | None] = {}
        self.limit = limit

    def lookup(self, reader: RecordReader, wanted: Iterable[tuple[str, int, int]], budget: float) -> dict:
        deadline = time.monotonic() + budget
        found = {}
        for key in wanted:
            if key not in self.cache and time.monotonic() < deadline:
                record = reader.record_at(TopicPartition(key[0], key[1]), key[2], timeout=0.5)
                if len(self.cache) >= self.limit:
                    self.cache.pop(next(iter(self.cache)))
                self.cache[key] = record.timestamp if record else None
            found[key] = self.cache.get(key)
        return found


def partition_lag_seconds(lag: GroupLag, times: Mapping[tuple[str, int, int], int | None], now: datetime
                          ) -> dict[TP, float | None]:
    out: dict[TP, float | None] = {}
    for p in lag.partitions:
        stamp = times.get((p.topic, p.partition, max(p.committed or 0, p.start)))
        moment = datetime.fromtimestamp(stamp / 1000, UTC) if stamp else None
        out[(p.topic, p.partition)] = lag_seconds(now, moment, p.lag)
    return out


def lagging_positions(lag: GroupLag) -> list[tuple[str, int, int]]:
    return [(p.topic, p.partition, max(p.committed or 0, p.start)) for p in lag.partitions if p.lag]


def group_view(inspector: KafkaInspector, history: MongoHistory, reader: RecordReader, times: RecordTimes,
               group: str, window: int) -> dict[str, Any] | None:
    """One group: members, per-partition offsets, lag (records and seconds), time to drain, status, history."""
    meta = inspector.group(group)
    snapshot = inspector.snapshot([group])
    committed = snapshot.committed.get(group, {})
    if meta is None and not committed:
        return None
    meta = meta or GroupMeta(group, "Empty", ())
    now = datetime.now(UTC)
    lag = group_lag(group, committed, snapshot.starts, snapshot.ends,
                    topics={t for t, _ in committed} | _assigned_topics(meta))
    seconds = partition_lag_seconds(lag, times.lookup(reader, lagging_positions(lag), 2.0), now)
    stored = history.lag_samples(group)
    live = sample_doc(lag, snapshot.at, max((s for s in seconds.values() if s is not None), default=None),
                      len(meta.members))
    samples = [*stored, live]
    status = group_status(samples, bool(meta.members), window)
    produce, consume = _partition_rates(samples)
    partitions = []
    for p in lag.partitions:
        tp = (p.topic, p.partition)
        verdict = status.partitions.get(tp)
        partitions.append({
            "topic": p.topic, "partition": p.partition, "start": p.start, "end": p.end, "committed": p.committed,
            "lag": p.lag, "lag_display": p.display, "data_loss": p.data_loss, "lost": p.lost,
            "lag_seconds": seconds.get(tp), "produce_rate": produce.get(tp), "consume_rate": consume.get(tp),
            "time_to_drain": time_to_drain(p.lag, consume.get(tp), produce.get(tp)),
            "status": verdict.status.name if verdict else "n/a", "status_reason": verdict.reason if verdict else "",
            "owner": _owner(meta, tp),
        })
    total_produce = sum(v for v in produce.values() if v) if produce else None
    total_consume = sum(v for v in consume.values() if v) if consume else None
    return {
        "group": group, "state": meta.state, "members": list(meta.members),
        "lag": shown_lag(lag.total, len(meta.members)),
        "lag_seconds": live["lag_s"], "data_loss": lag.data_loss, "status": status.status.status.name,
        "status_reason": status.status.reason, "partitions": partitions,
        "time_to_drain": time_to_drain(lag.total, total_consume, total_produce),
        "history": [{"at": s["at"], "lag": s.get("lag"), "lag_s": s.get("lag_s")} for s in samples],
    }


def _assigned_topics(meta: GroupMeta) -> set[str]:
    return {a["topic"] for m in meta.members for a in m["assignment"]}


def _owner(meta: GroupMeta, tp: TP) -> str | None:
    for member in meta.members:
        for a in member["assignment"]:
            if a["topic"] == tp[0] and tp[1] in a["partitions"]:
                return member["client_id"]
    return None


def _partition_rates(samples: list[dict[str, Any]], window: float = 120.0) -> tuple[dict, dict]:
    """Produce (end offset) and consume (committed offset) rates per partition over the recent samples."""
    recent = [s for s in samples if samples[-1]["at"] - s["at"] <= window]
    if len(recent) < 2:
        return {}, {}
    first, last = recent[0], recent[-1]
    before = {(p["t"], p["p"]): p for p in first.get("parts", [])}
    produce, consume = {}, {}
    for part in last.get("parts", []):
        tp = (part["t"], part["p"])
        old = before.get(tp)
        if old is None:
            continue
        produce[tp] = rate((first["at"], old["e"]), (last["at"], part["e"]))
        if old.get("c") is not None and part.get("c") is not None:
            consume[tp] = rate((first["at"], old["c"]), (last["at"], part["c"]))
    return produce, consume


def groups_view(inspector: KafkaInspector, history: MongoHistory, window: int) -> list[dict[str, Any]]:
    """Every consumer group with state, members, lag, status and a lag sparkline (from stored samples)."""
    metas = {g.group_id: g for g in inspector.groups()}
    snapshot = inspector.snapshot(list(metas))
    group_lags = lags(snapshot)
    stored = history.all_lag_samples()
    rows = []
    for gid, meta in metas.items():
        lag = group_lags.get(gid)
        samples = stored.get(gid, [])
        status = group_status(samples, bool(meta.members), window) if samples or not meta.members else None
        rows.append({"group": gid, "state": meta.state, "members": len(meta.members),
                     "topics": lag.topics if lag else sorted(_assigned_topics(meta)),
                     "lag": shown_lag(lag.total, len(meta.members)) if lag else None,
                     "data_loss": lag.data_loss if lag else False,
                     "lag_seconds": samples[-1].get("lag_s") if samples else None,
                     "status": status.status.status.name if status else "n/a",
                     "sparkline": [s.get("lag") for s in samples[-60:]]})
    return sorted(rows, key=lambda r: (service_rank(r["group"]), r["group"]))


SERVICE_GROUPS = ("orders", "shipping", "tracking", "console")


def service_rank(group: str) -> int:
    return SERVICE_GROUPS.index(group) if group in SERVICE_GROUPS else len(SERVICE_GROUPS)
