"""The parcel pipeline: the overview (health tiles, flow, funnel), the pipeline panels, and the parcel trace."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from services.console import handlers
from services.console.api.live import Region
from services.console.api.ports import Reads
from services.console.api.rendering import page
from shared.http.body import query_text
from shared.http.problems import Problem


def install(bp: Blueprint, console: Reads, live: dict[str, Region]) -> None:
    @bp.get("/")
    def overview():
        return page("overview", "overview.html", **live["overview"]({}))

    @bp.get("/api/overview")
    def api_overview():
        return jsonify(live["overview"]({}))

    @bp.get("/pipeline")
    def pipeline():
        return page("pipeline", "pipeline.html", **live["pipeline"]({}))

    @bp.get("/api/pipeline")
    def api_pipeline():
        return jsonify(live["pipeline"]({})["p"])

    @bp.get("/trace")
    def trace():
        number, found = _trace(console)
        dead = _dead_letters(console, found["keys"]) if found else []
        return page("trace", "trace.html", number=number, found=found, dead=dead)

    @bp.get("/api/trace")
    def api_trace():
        _number, found = _trace(console)
        if found is None:
            raise Problem(404, "Nothing known for this number", "no parcel, order or alias matches it")
        return jsonify({**found, "dead_letters": _dead_letters(console, found["keys"])})


def _trace(console: Reads) -> tuple[str, dict[str, Any] | None]:
    """The `number` asked for, and everything known about its parcel (None for an unknown or empty number)."""
    number = (query_text("number", 100) or "").strip()
    return number, handlers.pipeline.trace(console.model(), number) if number else None


def _dead_letters(console: Reads, keys: list[str]) -> list[dict[str, Any]]:
    with console.reader() as reader:
        return handlers.dead_letters.for_keys(reader, console.replays(), console.inspector(), keys)
