"""What each page shows: the data behind every page and live region, gathered from the views."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from services.console import handlers, views
from services.console.domain import replay as rp
from services.console.handlers import dead_letters
from services.console.sampler import LAG_SNAPSHOT

if TYPE_CHECKING:
    from services.console.bootstrap import ConsoleService


def lag_snapshot(service: ConsoleService) -> dict[str, Any]:
    found = service.history().snapshot(LAG_SNAPSHOT)
    return found[1] if found else {"groups": [], "dlq": [], "at": None}


def overview(service: ConsoleService) -> dict[str, Any]:
    """Health tiles, funnel, produced vs consumed per topic, freshness and firing alerts."""
    history = service.history()
    now = datetime.now(UTC)
    snap = lag_snapshot(service)
    samples = history.all_lag_samples()
    groups = snap.get("groups", [])
    # The services' own groups; where none runs (a bare broker), the groups furthest behind instead.
    shown = [g for g in groups if g["group"] in handlers.groups.SERVICE_GROUPS] or sorted(
        groups, key=lambda g: -(g.get("lag") or 0))[:8]
    tiles = []
    for g in shown:
        points = samples.get(g["group"], [])[-60:]
        tiles.append({**g, "spark": {"x": [p["at"] for p in points], "y": [p.get("lag") or 0 for p in points]}})
    tiles.sort(key=lambda t: (handlers.groups.service_rank(t["group"]), t["group"]))
    pipeline = handlers.pipeline.current(service.model(), history, now, service.options.stage_limits)
    return {"tiles": tiles, "pipeline": pipeline, "flow": flow(samples, history.topic_samples()),
            "dlq": snap.get("dlq", []), "alerts": firing(service), "snapshot_at": snap.get("at"),
            "cost": snap.get("cost")}


def flow(group_samples: dict[str, list[dict[str, Any]]], topic_samples: dict[str, list[dict[str, Any]]]
         ) -> list[dict[str, Any]]:
    """Produced/s per topic beside consumed/s by each service group reading it."""
    produced = handlers.topics.topic_rates(topic_samples)
    rows = []
    for topic in sorted(t for t in produced if not t.startswith("test") and not t.endswith(".dlq")):
        consumed = []
        for group in handlers.groups.SERVICE_GROUPS:
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


def firing(service: ConsoleService) -> list[dict[str, Any]]:
    states = service.history().alert_states().values()
    return sorted(({"key": s.key, "rule_id": s.rule_id, "subject": s.subject, "state": s.state, "since": s.since,
                    "value": s.value, "message": s.message} for s in states if s.state in ("firing", "pending")),
                  key=lambda a: a["since"])


def alerts_page(service: ConsoleService) -> dict[str, Any]:
    states = sorted(service.history().alert_states().values(), key=lambda s: s.since, reverse=True)
    return {"rules": service.options.rules, "states": states, "log": service.history().notifications(100),
            "webhook": bool(service.options.webhook_url), "repeat_s": service.options.alert_repeat.total_seconds()}


def dlq_overview(service: ConsoleService) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    with service.reader() as reader:
        return [dead_letters.summary(reader, service.replays(), topic, now)
                for topic in dead_letters.dlq_topics(service.inspector())]


def dlq_records(service: ConsoleService, topic: str, unmasked: bool, limit: int = 200) -> dict[str, Any]:
    now = datetime.now(UTC)
    with service.reader() as reader:
        records, total = dead_letters.read_dlq(reader, topic)
        head = dead_letters.summary(reader, service.replays(), topic, now)
    newest = [v for v, _ in reversed(records)][:limit]
    states = dead_letters.states_of(service.replays(), newest)
    return {"summary": head, "total": total,
            "records": [{**views.record_json(v, unmasked, states.get(rp.record_id(v))),
                         "error_class": v.header("x-error-class"), "error_message": v.header("x-error-message"),
                         "original_topic": v.header("x-original-topic"), "group": v.header("x-consumer-group"),
                         "failed_at": v.header("x-failed-at")} for v in newest]}


def known_topics(service: ConsoleService) -> set[str]:
    return {t.name for t in service.inspector().topics()}
