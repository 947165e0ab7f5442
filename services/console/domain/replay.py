"""Dead-letter replay: which records may go back, with which headers, and the loop guard.

A replay re-produces the failed record unchanged (same key, same value) to the topic it came from, its
error headers dropped and replay headers added. A record that has come back to the DLQ after `max_replays`
replays is refused: replaying it again would loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.console.domain.records import RecordView
from shared.kafka.dlq import ERROR_HEADERS
from shared.kafka.topics import DLQ_SUFFIX

REPLAY_HEADERS = ("x-replay-count", "x-replayed-by", "x-replayed-at", "x-replay-of", "x-replay-id")


@dataclass(frozen=True)
class Decision:
    record: RecordView
    target: str | None  # the original topic
    allowed: bool
    reason: str  # why it is refused, or "ready"

    @property
    def record_id(self) -> str:
        return record_id(self.record)


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


def record_id(record: RecordView) -> str:
    """The stable id of a dead letter: topic, partition and offset (a replay log `_id`)."""
    return f"{record.topic}:{record.partition}:{record.offset}"


def replay_count(record: RecordView) -> int:
    raw = record.header("x-replay-count")
    try:
        return max(0, int(raw)) if raw is not None else 0
    except ValueError:
        return 0


def done_state(state: dict[str, Any] | None) -> str | None:
    """What the replay log's entry says was done: "replayed", "parked", or None (none, or a failed replay)."""
    if not state or state.get("state") == "failed":
        return None
    return "replayed" if state["action"] == "replayed" else "parked"


def decide(record: RecordView, max_replays: int, known_topics: set[str], done: str | None) -> Decision:
    """Whether this dead letter may be replayed now; `done` is "replayed"/"parked" if the log says so."""
    target = record.header("x-original-topic") or (record.topic.removesuffix(DLQ_SUFFIX)
                                                   if record.topic.endswith(DLQ_SUFFIX) else None)
    if done:
        return Decision(record, target, False, f"already {done}")
    if not target or target.endswith(DLQ_SUFFIX) or target not in known_topics:
        return Decision(record, target, False, f"original topic {target!r} is unknown")
    count = replay_count(record)
    if count >= max_replays:
        return Decision(record, target, False, f"loop: already replayed {count} times (limit {max_replays})")
    return Decision(record, target, True, "ready")


def outgoing(decision: Decision, operator: str, replay_id: str, at: datetime, value: bytes,
             key: bytes | None) -> Outgoing:
    """The record to produce: same key and value, error and old replay headers replaced by fresh ones."""
    if not decision.allowed or decision.target is None:
        raise ValueError(f"{decision.record_id} may not be replayed: {decision.reason}")
    dropped = set(ERROR_HEADERS) | set(REPLAY_HEADERS)
    kept = [(k, v.encode()) for k, v in decision.record.headers if k not in dropped]
    kept += [
        ("x-replay-count", str(replay_count(decision.record) + 1).encode()),
        ("x-replayed-by", operator.encode()),
        ("x-replayed-at", at.isoformat().encode()),
        ("x-replay-of", decision.record_id.encode()),
        ("x-replay-id", replay_id.encode()),
    ]
    return Outgoing(decision.target, key, value, kept)


@dataclass(frozen=True)
class ReasonCount:
    error_class: str
    message: str
    count: int


def reasons(records: list[RecordView], limit: int = 10) -> list[ReasonCount]:
    """The most frequent failure reasons (error class and message) among dead letters."""
    counts: dict[tuple[str, str], int] = {}
    for r in records:
        key = (r.header("x-error-class") or "unknown", (r.header("x-error-message") or "")[:160])
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:limit]
    return [ReasonCount(cls, msg, n) for (cls, msg), n in ranked]
