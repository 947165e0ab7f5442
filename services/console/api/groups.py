"""Consumer groups: the list with lag and status, and one group partition by partition."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from services.console import handlers
from services.console.api.live import Region
from services.console.api.ports import Reads
from services.console.api.rendering import page
from shared.http.problems import Problem


def install(bp: Blueprint, console: Reads, live: dict[str, Region]) -> None:
    @bp.get("/groups")
    def groups():
        return page("groups", "groups.html", **live["groups"]({}))

    @bp.get("/groups/<group>")
    def group(group: str):
        return page("groups", "group.html", **_found(live, group))

    @bp.get("/api/groups")
    def api_groups():
        return jsonify(groups=handlers.groups.groups_view(console.inspector(), console.history(),
                                                          console.options.burrow_window))

    @bp.get("/api/groups/<group>")
    def api_group(group: str):
        return jsonify(_found(live, group)["group"])


def _found(live: dict[str, Region], group: str) -> dict[str, Any]:
    """The group's region context; 404 when the broker knows no such group."""
    context = live["group"]({"group": group})
    if context["group"] is None:
        raise Problem(404, "Consumer group not found", f"no group {group!r}")
    return context
