"""Live pages: the context each page's regions render from, and `/stream/<page>`, which re-renders them as
server-sent events. A page and its stream build their context with the same function.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, g, render_template, request

from services.console import handlers
from services.console.api.filters import sse
from services.console.api.ports import Reads
from services.console.api.rendering import event_stream
from services.console.domain.roles import Permission, Role, allowed
from shared.http.problems import Problem

STREAM_SECONDS = 120  # a stream ends after this; EventSource reconnects by itself (no thread held forever)
Region = Callable[[dict[str, str]], dict[str, Any]]

REGION_TEMPLATES = {
    "overview": ("overview_alerts", "overview_tiles", "overview_flow", "overview_funnel"),
    "topics": ("topics_table",),
    "groups": ("groups_table",),
    "group": ("group_detail",),
    "dlq": ("dlq_table",),
    "pipeline": ("pipeline_panels",),
    "alerts": ("alerts_panels",),
}


def regions(console: Reads) -> dict[str, Region]:
    """Per live page: the context its regions render from (the page and its stream share it)."""
    options = console.options

    def group(args: dict[str, str]) -> dict[str, Any]:
        with console.reader() as reader:
            found = handlers.groups.group_view(console.inspector(), console.history(), reader, console.record_times,
                                               args["group"], options.burrow_window)
        return {"group": found}

    def dlq(_args: dict[str, str]) -> dict[str, Any]:
        with console.reader() as reader:
            return {"dlqs": handlers.dead_letters.overview(reader, console.replays(), console.inspector(),
                                                           console.now())}

    return {
        "overview": lambda _args: handlers.pipeline.overview(console.model(), console.history(), console.now(),
                                                             options.stage_limits),
        "topics": lambda _args: {"topics": handlers.topics.topics_view(console.inspector(), console.history())},
        "groups": lambda _args: {"groups": handlers.groups.groups_view(console.inspector(), console.history(),
                                                                       options.burrow_window)},
        "group": group,
        "dlq": dlq,
        "pipeline": lambda _args: {"p": handlers.pipeline.current(console.model(), console.history(), console.now(),
                                                                  options.stage_limits)},
        "alerts": lambda _args: handlers.alerts.alerts_page(console.history(), options.rules,
                                                            bool(options.webhook_url), options.alert_repeat),
    }


def install(bp: Blueprint, live: dict[str, Region]) -> None:
    @bp.get("/stream/<name>")
    def stream(name: str):
        if name not in live:
            raise Problem(404, "No such live page")
        args = {k: v for k, v in request.args.items() if k in ("group",)}
        interval = 10.0 if name == "pipeline" else 3.0
        return event_stream(_region_events(name, live[name], args, g.session.role, interval))


def _region_events(name: str, build: Region, args: dict[str, str], role: Role, interval: float) -> Iterator[str]:
    def can(permission: str) -> bool:
        return allowed(role, Permission(permission))

    yield "retry: 3000\n\n"
    ends = time.monotonic() + STREAM_SECONDS
    while time.monotonic() < ends:
        context = build(args)
        yield sse("regions", {region: render_template(f"regions/{region}.html", **context, can=can)
                              for region in REGION_TEMPLATES[name]})
        time.sleep(interval)
