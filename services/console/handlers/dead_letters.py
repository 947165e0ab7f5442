"""Dead letters: per-DLQ summaries and previews, replay (dry run first, then once) and parking, all audited."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kafka import TopicPartition

from services.console.adapters.journal import MongoAuditLog, MongoReplayLog
from services.console.adapters.kafka_reader import KafkaInspector, RecordReader
from services.console.domain import replay as rp
from services.console.domain.records import RecordFilter, RecordView, view_of
from services.console.views import record_json
from shared.errors import TransientError
from shared.kafka.producer import EventProducer, OutgoingRecord
from shared.kafka.topics import DLQ_SUFFIX

SCAN_LIMIT = 5000
PLAN_TTL = timedelta(minutes=15)


class PlanError(Exception):
    """A replay that cannot run: unknown, expired, already executed, or for another topic."""


def read_dlq(reader: RecordReader, topic: str, limit: int = SCAN_LIMIT, budget: float = 4.0
             ) -> tuple[list[tuple[RecordView, Any]], int]:
    """The newest `limit` dead letters of a DLQ topic (view and raw record), oldest first, and the total."""
    tps = reader.partitions(topic)
    starts, ends = reader.bounds(tps) if tps else ({}, {})
    deadline = time.monotonic() + budget
    out = []
    for tp in tps:
        first = max(starts[tp], ends[tp] - limit)
        for r in reader.read_range(tp, first, ends[tp], deadline):
            out.append((view_of(r.topic, r.partition, r.offset, r.timestamp, r.key, r.value, r.headers), r))
    out.sort(key=lambda pair: (pair[0].timestamp_ms, pair[0].offset))
    return out, sum(ends[tp] - starts[tp] for tp in tps)


def dlq_topics(inspector: KafkaInspector) -> list[str]:
    return [t.name for t in inspector.topics() if t.name.endswith(DLQ_SUFFIX)]


def summary(reader: RecordReader, log: MongoReplayLog, topic: str, now: datetime) -> dict[str, Any]:
    """Count, open (neither replayed nor parked), oldest open age and the reasons, from the error headers."""
    records, total = read_dlq(reader, topic)
    done = {d["_id"]: d for d in log.for_topic(topic)}
    open_views = [v for v, _ in records if rp.record_id(v) not in done or done[rp.record_id(v)]["state"] == "failed"]
    oldest = min((v.time for v in open_views), default=None)
    return {"topic": topic, "source": topic.removesuffix(DLQ_SUFFIX), "count": total, "open": len(open_views),
            "replayed": sum(1 for d in done.values() if d["action"] == "replayed" and d["state"] == "done"),
            "parked": sum(1 for d in done.values() if d["action"] == "parked"),
            "oldest_at": oldest, "oldest_age_s": (now - oldest).total_seconds() if oldest else None,
            "reasons": [r.__dict__ for r in rp.reasons(open_views)]}


def states_of(log: MongoReplayLog, views: list[RecordView]) -> dict[str, dict[str, Any]]:
    return log.states([rp.record_id(v) for v in views])


def overview(reader: RecordReader, log: MongoReplayLog, inspector: KafkaInspector, now: datetime
             ) -> list[dict[str, Any]]:
    """The summary of every dead-letter topic."""
    return [summary(reader, log, topic, now) for topic in dlq_topics(inspector)]


def records(reader: RecordReader, log: MongoReplayLog, topic: str, unmasked: bool, now: datetime, limit: int = 200
            ) -> dict[str, Any]:
    """A DLQ's summary and its newest `limit` records, each with its error headers and replay state."""
    found, total = read_dlq(reader, topic)
    head = summary(reader, log, topic, now)
    newest = [v for v, _ in reversed(found)][:limit]
    states = states_of(log, newest)
    return {"summary": head, "total": total,
            "records": [{**record_json(v, unmasked, states.get(rp.record_id(v))),
                         "error_class": v.header("x-error-class"), "error_message": v.header("x-error-message"),
                         "original_topic": v.header("x-original-topic"), "group": v.header("x-consumer-group"),
                         "failed_at": v.header("x-failed-at")} for v in newest]}


def for_keys(reader: RecordReader, log: MongoReplayLog, inspector: KafkaInspector, keys: list[str]
             ) -> list[dict[str, Any]]:
    """Dead letters (and whether they were replayed or parked) whose key is one of the parcel's keys."""
    wanted = set(keys)
    found = []
    for topic in dlq_topics(inspector):
        letters, _ = read_dlq(reader, topic, limit=2000, budget=1.0)
        views = [v for v, _ in letters if v.key in wanted]
        states = states_of(log, views)
        found.extend(record_json(v, False, states.get(rp.record_id(v))) for v in views)
    return found


def known_topics(inspector: KafkaInspector) -> set[str]:
    """The topics the broker has: a replay goes only to one of them."""
    return {t.name for t in inspector.topics()}


@dataclass(frozen=True)
class Selection:
    """Which dead letters: explicit record ids, or every record matching a filter."""

    record_ids: tuple[str, ...] = ()
    filt: RecordFilter | None = None

    def picks(self, view: RecordView) -> bool:
        if self.record_ids:
            return rp.record_id(view) in self.record_ids
        return self.filt is not None and self.filt.matches(view)


def dry_run(reader: RecordReader, log: MongoReplayLog, audit: MongoAuditLog, known_topics: set[str], topic: str,
            selection: Selection, operator: str, max_replays: int, now: datetime) -> dict[str, Any]:
    """What a replay would do, record by record; saves the plan that `execute` may run once."""
    records, _ = read_dlq(reader, topic)
    picked = [v for v, _ in records if selection.picks(v)]
    states = states_of(log, picked)
    decisions = [rp.decide(v, max_replays, known_topics, rp.done_state(states.get(rp.record_id(v)))) for v in picked]
    plan_id = secrets.token_urlsafe(12)
    ready = [d.record_id for d in decisions if d.allowed]
    log.save_plan(plan_id, {"dlq_topic": topic, "record_ids": ready, "created_by": operator, "created_at": now,
                            "executed_at": None, "selected": len(picked)})
    audit.record(now, operator, "replay.dry_run", topic, "ok",
                 {"plan": plan_id, "selected": len(picked), "ready": len(ready)})
    return {"plan_id": plan_id, "topic": topic, "selected": len(picked), "ready": len(ready),
            "refused": len(picked) - len(ready), "expires_at": now + PLAN_TTL, "decisions": decisions}


def execute(reader: RecordReader, producer: EventProducer, log: MongoReplayLog, audit: MongoAuditLog,
            known_topics: set[str], plan_id: str, operator: str, max_replays: int, now: datetime
            ) -> dict[str, Any]:
    """Run a dry run's plan once: each ready record re-produced to its original topic, same key, replay headers."""
    plan = log.plan(plan_id)
    if plan is None:
        raise PlanError("no such dry run")
    created = plan["created_at"] if plan["created_at"].tzinfo else plan["created_at"].replace(tzinfo=UTC)
    if now - created > PLAN_TTL:
        raise PlanError("this dry run is older than 15 minutes; run it again")
    if not log.close_plan(plan_id, now):
        raise PlanError("this dry run was already executed")
    results: list[dict[str, Any]] = []
    outgoing: list[tuple[str, OutgoingRecord]] = []
    for record_id in plan["record_ids"]:
        topic, partition, offset = record_id.rsplit(":", 2)
        record = reader.record_at(TopicPartition(topic, int(partition)), int(offset))
        if record is None or record.offset != int(offset):
            results.append({"record": record_id, "result": "gone (deleted by retention)"})
            continue
        view = view_of(record.topic, record.partition, record.offset, record.timestamp, record.key, record.value,
                       record.headers)
        decision = rp.decide(view, max_replays, known_topics, rp.done_state(log.states([record_id]).get(record_id)))
        if not decision.allowed:
            results.append({"record": record_id, "result": f"refused: {decision.reason}"})
            continue
        if not log.claim(record_id, "replayed", operator, now, {"dlq_topic": topic, "plan": plan_id,
                                                                  "target": decision.target}):
            results.append({"record": record_id, "result": "refused: already replayed or parked"})
            continue
        out = rp.outgoing(decision, operator, plan_id, now, record.value or b"", record.key)
        outgoing.append((record_id, OutgoingRecord(out.topic, out.key, out.value, out.headers)))
    try:
        producer.send_records([o for _, o in outgoing])
    except TransientError as exc:
        for record_id, _ in outgoing:
            log.release(record_id)
        audit.record(now, operator, "replay.execute", plan["dlq_topic"], "failed", {"plan": plan_id,
                                                                                    "error": str(exc)[:300]})
        raise
    for record_id, out in outgoing:
        log.finish(record_id, "done")
        results.append({"record": record_id, "result": f"replayed to {out.topic}"})
    audit.record(now, operator, "replay.execute", plan["dlq_topic"], "ok",
                 {"plan": plan_id, "replayed": len(outgoing), "skipped": len(results) - len(outgoing)})
    return {"plan_id": plan_id, "replayed": len(outgoing), "results": results}


def replay(reader: RecordReader, producer: EventProducer, log: MongoReplayLog, audit: MongoAuditLog,
           known_topics: set[str], plan_id: str, operator: str, max_replays: int, now: datetime) -> dict[str, Any]:
    """`execute`, with a refused plan audited before its PlanError goes on to the caller."""
    try:
        return execute(reader, producer, log, audit, known_topics, plan_id, operator, max_replays, now)
    except PlanError as exc:
        audit.record(now, operator, "replay.execute", plan_id, "refused", {"error": str(exc)})
        raise


def park(log: MongoReplayLog, audit: MongoAuditLog, topic: str, record_ids: list[str], reason: str,
         operator: str, now: datetime) -> dict[str, Any]:
    """Set dead letters aside with a reason: they leave the open count and can no longer be replayed."""
    results = []
    for record_id in record_ids:
        claimed = log.claim(record_id, "parked", operator, now, {"dlq_topic": topic, "reason": reason})
        if claimed:
            log.finish(record_id, "parked")
        results.append({"record": record_id, "result": "parked" if claimed else "refused: already replayed or parked"})
    parked = sum(1 for r in results if r["result"] == "parked")
    audit.record(now, operator, "dlq.park", topic, "ok", {"parked": parked, "reason": reason[:300],
                                                           "records": record_ids[:50]})
    return {"parked": parked, "results": results}
