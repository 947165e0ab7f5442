"""The background loop (`worker relay`): lag and offset samples, snapshots, and alert evaluation.

Every `interval` seconds: one offsets snapshot (group commits first, then end offsets), one lag sample per
group (with lag in seconds from the record at each lagging committed offset), one end-offset sample per topic,
the DLQ summaries, the pipeline snapshot, then the alert rules — and only the changes are posted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.console import handlers
from services.console.adapters.accounts import MongoAccounts
from services.console.adapters.history import MongoHistory
from services.console.adapters.journal import MongoAuditLog, MongoReplayLog, time_id
from services.console.adapters.kafka_reader import KafkaInspector, RecordReader
from services.console.adapters.readmodel import MongoReadModel
from services.console.adapters.webhook import WebhookPoster
from services.console.domain import alerts
from services.console.domain.burrow import NO_MEMBER
from shared.failures import is_transient
from shared.resilience import Patience

log = logging.getLogger(__name__)
# The pipeline snapshot reads the whole read model: 5.2 s of the store's time for 6,138 parcels on FerretDB (the
# bench's idle step, where it was most of the store's 60 % of a core). Its interval stretches so that it takes
# at most this share of the time, whatever the size of the model.
PIPELINE_DUTY = 0.05


def pipeline_due(last: datetime | None, now: datetime, every: timedelta, last_cost_s: float) -> bool:
    """True when the pipeline snapshot is to be computed again: `every` passed, stretched by its last cost."""
    return last is None or now - last >= max(every, timedelta(seconds=last_cost_s / PIPELINE_DUTY))


def absent_groups(seen: set[str]) -> list[dict[str, Any]]:
    """A row for each group the system runs that the broker does not list: nobody ever consumed for it here."""
    return [{"group": gid, "state": "Unknown", "members": 0, "lag": None, "lag_seconds": None, "data_loss": False,
             "topics": [], "status": NO_MEMBER.status.name, "status_reason": NO_MEMBER.reason}
            for gid in alerts.SERVICE_GROUPS if gid not in seen]


@dataclass
class SamplerDeps:
    inspector: KafkaInspector
    reader: Callable[[], RecordReader]
    history: MongoHistory
    replays: MongoReplayLog
    model: MongoReadModel
    accounts: MongoAccounts
    audit: MongoAuditLog
    webhook: WebhookPoster
    rules: tuple[alerts.Rule, ...]
    limits: Mapping[str, timedelta]
    window: int
    repeat: timedelta
    console_url: str


@dataclass
class Cost:
    """How long the last round's parts took (the cost of one lag snapshot is `lag_snapshot_s`)."""

    lag_snapshot_s: float = 0.0
    dlq_s: float = 0.0
    pipeline_s: float = 0.0
    alerts_s: float = 0.0


class Sampler:
    def __init__(self, deps: SamplerDeps, now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 pipeline_every: timedelta = timedelta(seconds=30)) -> None:
        self.deps = deps
        self.now = now
        self.times = handlers.groups.RecordTimes()
        self.cost = Cost()
        # The pipeline snapshot reads the whole read model, so it is refreshed less often than the lag.
        self.pipeline_every = pipeline_every
        self._pipeline: tuple[datetime, dict[str, Any]] | None = None
        self._dlq: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}

    def run(self, stop: threading.Event, interval: float, on_pass: Callable[[], None] | None = None,
            patience: Patience | None = None) -> None:
        """A round every `interval` seconds until stopped; `on_pass` after each round that did not meet an outage.

        A round that fails on the broker or the store is tried again after `patience`'s backoff (the worker
        reports not-ready meanwhile); any other failure is logged and the next round runs as usual.
        """
        patience = patience or Patience(stop)
        while not stop.is_set():
            began = time.monotonic()
            try:
                self.round()
            except Exception as exc:  # classified: an outage is waited out, anything else logged
                if is_transient(exc):
                    if not patience.failed(exc, "sampler round"):
                        return
                    continue
                log.exception("sampler round failed; retrying next round")
            else:
                patience.recovered()
            if on_pass is not None:
                on_pass()
            stop.wait(max(1.0, interval - (time.monotonic() - began)))

    def round(self) -> dict[str, Any]:
        with self.deps.reader() as reader:
            began = time.perf_counter()
            lag = self.sample_lag(reader)
            self.cost.lag_snapshot_s = time.perf_counter() - began
            began = time.perf_counter()
            dlqs = [self.dlq_summary(reader, t) for t in handlers.dead_letters.dlq_topics(self.deps.inspector)]
            self.cost.dlq_s = time.perf_counter() - began
        now = self.now()
        snapshot = {"at": now, "groups": lag, "dlq": dlqs, "cost": self.cost.__dict__}
        self.deps.history.save_snapshot(handlers.groups.LAG_SNAPSHOT, now, snapshot)
        pipeline = self.pipeline(now)
        began = time.perf_counter()
        self.evaluate(lag, dlqs, pipeline, now)
        self.cost.alerts_s = time.perf_counter() - began
        self.deps.accounts.purge_expired(now)
        return snapshot

    def dlq_summary(self, reader: RecordReader, topic: str) -> dict[str, Any]:
        """A DLQ's summary, re-read only when the topic's end offset or its replay log changed."""
        tps = reader.partitions(topic)
        end = sum(reader.bounds(tps)[1].values()) if tps else 0
        key = (end, len(self.deps.replays.for_topic(topic)))
        cached = self._dlq.get(topic)
        now = self.now()
        if cached is None or cached[0] != key:
            cached = (key, handlers.dead_letters.summary(reader, self.deps.replays, topic, now))
            self._dlq[topic] = cached
        summary = dict(cached[1])
        if summary.get("oldest_at"):
            summary["oldest_age_s"] = (now - summary["oldest_at"]).total_seconds()
        return summary

    def pipeline(self, now: datetime) -> dict[str, Any]:
        last = self._pipeline[0] if self._pipeline else None
        if pipeline_due(last, now, self.pipeline_every, self.cost.pipeline_s):
            began = time.perf_counter()
            data = handlers.pipeline.compute(self.deps.model, now, self.deps.limits)
            self.deps.history.save_snapshot(handlers.pipeline.SNAPSHOT, now, data)
            self.cost.pipeline_s = time.perf_counter() - began
            self._pipeline = (now, data)
        return self._pipeline[1]

    def sample_lag(self, reader: RecordReader) -> list[dict[str, Any]]:
        """One sample per group and per topic, stored; returns each group's lag, lag in seconds and status."""
        deps = self.deps
        metas = {g.group_id: g for g in deps.inspector.groups()}
        snap = deps.inspector.snapshot(list(metas))
        now = datetime.fromtimestamp(snap.at, UTC)
        topic_ends: dict[str, int] = {}
        for (topic, _), end in snap.ends.items():
            topic_ends[topic] = topic_ends.get(topic, 0) + end
        for topic, end in topic_ends.items():
            deps.history.add_topic_sample(topic, snap.at, end)
        rows = []
        for gid, lag in handlers.groups.lags(snap).items():
            meta = metas.get(gid)
            members = len(meta.members) if meta else 0
            positions = handlers.groups.lagging_positions(lag)
            seconds = handlers.groups.partition_lag_seconds(lag, self.times.lookup(reader, positions, 1.0), now)
            lag_s = max((s for s in seconds.values() if s is not None), default=None)
            deps.history.add_lag_sample(gid, handlers.groups.sample_doc(lag, snap.at, lag_s, members))
            status = handlers.groups.group_status(deps.history.lag_samples(gid), members > 0, deps.window)
            rows.append({"group": gid, "state": meta.state if meta else "Empty", "members": members,
                         "lag": handlers.groups.shown_lag(lag.total, members),
                         "lag_seconds": handlers.groups.shown_lag(lag_s, members),
                         "data_loss": lag.data_loss, "topics": lag.topics,
                         "status": status.status.status.name, "status_reason": status.status.reason})
        return rows + absent_groups({row["group"] for row in rows})

    def evaluate(self, groups: list[dict[str, Any]], dlqs: list[dict[str, Any]], pipeline: dict[str, Any],
                 now: datetime) -> list[alerts.Notification]:
        deps = self.deps
        metrics = alerts.Metrics(
            groups={g["group"]: g for g in groups},
            dlq={d["topic"]: d for d in dlqs},
            stuck=pipeline.get("stuck_count", 0),
            freshness=pipeline.get("freshness", {}),
        )
        conditions = alerts.evaluate(deps.rules, metrics)
        states, notes = alerts.transition(deps.history.alert_states(), conditions,
                                          {r.id: r for r in deps.rules}, now, deps.repeat)
        deps.history.save_alert_states(states)
        for note in notes:
            result = deps.webhook.post(alerts.slack_message(note, deps.console_url))
            deps.history.log_notification(time_id(now), {"at": now, "kind": note.kind, "rule_id": note.state.rule_id,
                                                         "subject": note.state.subject,
                                                         "message": note.state.message, "delivery": result})
            deps.audit.record(now, "alerts", f"alert.{note.kind}", note.state.key, result)
        return notes
