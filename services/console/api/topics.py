"""Topics: the list, with partitions, offsets, produced/s and the groups reading each."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.console import handlers
from services.console.api.live import Region
from services.console.api.ports import Reads
from services.console.api.rendering import page


def install(bp: Blueprint, console: Reads, live: dict[str, Region]) -> None:
    @bp.get("/topics")
    def topics():
        return page("topics", "topics.html", **live["topics"]({}))

    @bp.get("/api/topics")
    def api_topics():
        return jsonify(topics=handlers.topics.topics_view(console.inspector(), console.history()))
