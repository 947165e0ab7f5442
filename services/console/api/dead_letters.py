"""Dead letters: every DLQ's counts, one DLQ's records, and the actions on them (dry run, replay, park)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from services.console import handlers, views
from services.console.api.guard import unmasked
from services.console.api.live import Region
from services.console.api.params import selection
from services.console.api.ports import Replays
from services.console.api.rendering import page
from services.console.api.security import needs
from services.console.domain.roles import Permission
from services.console.views import DryRunBody, ParkBody, ReplayBody
from shared.http.body import parse_body
from shared.http.problems import Problem
from shared.kafka.topics import DLQ_SUFFIX


def install(bp: Blueprint, console: Replays, live: dict[str, Region]) -> None:
    @bp.get("/dlq")
    def dlq_page():
        return page("dlq", "dlq.html", **live["dlq"]({}))

    @bp.get("/dlq/<topic>")
    def dlq_topic(topic: str):
        _check_dlq(topic)
        shown = unmasked(console, f"dlq {topic}")
        return page("dlq", "dlq_topic.html", topic=topic, unmasked=shown, max_replays=console.options.max_replays,
                    **_records(console, topic, shown))

    @bp.get("/api/dlq")
    def api_dlq():
        return jsonify(topics=live["dlq"]({})["dlqs"])

    @bp.get("/api/dlq/<topic>/records")
    def api_dlq_records(topic: str):
        _check_dlq(topic)  # as the page answers: any other topic is no dead-letter topic
        return jsonify(_records(console, topic, unmasked(console, f"dlq {topic}")))

    @bp.post("/api/dlq/<topic>/dry-run")
    @needs(Permission.REPLAY)
    def api_dry_run(topic: str):
        body = parse_body(DryRunBody)
        known = handlers.dead_letters.known_topics(console.inspector())
        with console.reader() as reader:
            plan = handlers.dead_letters.dry_run(reader, console.replays(), console.audit(), known, topic,
                                                 selection(body, console.model()), g.session.operator,
                                                 console.options.max_replays, console.now())
        return jsonify(views.plan_json(plan))

    @bp.post("/api/dlq/replay")
    @needs(Permission.REPLAY)
    def api_replay():
        body = parse_body(ReplayBody)
        known = handlers.dead_letters.known_topics(console.inspector())
        with console.reader() as reader:
            try:
                result = handlers.dead_letters.replay(reader, console.producer(), console.replays(), console.audit(),
                                                      known, body.plan_id, g.session.operator,
                                                      console.options.max_replays, console.now())
            except handlers.dead_letters.PlanError as exc:
                raise Problem(409, "Replay refused", str(exc)) from exc
        return jsonify(result)

    @bp.post("/api/dlq/<topic>/park")
    @needs(Permission.PARK)
    def api_park(topic: str):
        body = parse_body(ParkBody)
        return jsonify(handlers.dead_letters.park(console.replays(), console.audit(), topic, body.record_ids,
                                                  body.reason, g.session.operator, console.now()))


def _check_dlq(topic: str) -> None:
    if not topic.endswith(DLQ_SUFFIX):
        raise Problem(404, "Not a dead-letter topic", f"{topic!r} does not end in .dlq")


def _records(console: Replays, topic: str, shown: bool) -> dict:
    with console.reader() as reader:
        return handlers.dead_letters.records(reader, console.replays(), topic, shown, console.now())
