"""Records: the message browser (a bounded page of a topic's records, by partition, offset or time, filtered)
and the live tail of a topic.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from flask import Blueprint, jsonify, request

from services.console import handlers, views
from services.console.api.filters import sse, sse_comment
from services.console.api.guard import unmasked
from services.console.api.params import browse_args, filter_from_args
from services.console.api.ports import Reads
from services.console.api.rendering import event_stream, page
from services.console.domain.records import RecordFilter, view_of
from shared.http.problems import Problem

TAIL_SECONDS = 300
MAX_TAILS = 4  # per process: each live tail holds a thread and a consumer
QUERY = ("partition", "offset", "timestamp", "key", "type", "header", "q", "limit")


def install(bp: Blueprint, console: Reads) -> None:
    tails = threading.BoundedSemaphore(MAX_TAILS)

    @bp.get("/topics/<name>")
    def topic(name: str):
        result, shown = _browse(console, name)
        return page("topics", "topic.html", topic=name,
                    partitions=handlers.topics.topic_partitions(console.inspector(), name), result=result,
                    records=[views.record_json(v, shown) for v in result.records],
                    query={k: request.args.get(k, "") for k in QUERY}, unmasked=shown)

    @bp.get("/api/topics/<name>/messages")
    def api_messages(name: str):
        result, shown = _browse(console, name)
        return jsonify(records=[views.record_json(v, shown) for v in result.records], scanned=result.scanned,
                       truncated=result.truncated, next=result.next_anchor,
                       bounds={p: {"start": s, "end": e} for p, (s, e) in result.bounds.items()})

    @bp.get("/api/topics/<name>/tail")
    def api_tail(name: str):
        filt = filter_from_args(console.model())
        shown = unmasked(console, f"tail {name}")
        if not tails.acquire(blocking=False):
            raise Problem(429, "Too many live tails", f"at most {MAX_TAILS} at once per console process",
                          headers={"Retry-After": "10"})
        return event_stream(_tail(console, name, filt, shown, tails))


def _browse(console: Reads, name: str) -> tuple[handlers.records.Page, bool]:
    """One bounded page of a topic's records for the query string's filters, and whether to unmask them."""
    args = browse_args()
    filt = filter_from_args(console.model())
    with console.reader() as reader:
        if not reader.partitions(name):
            raise Problem(404, "Topic not found", f"no topic {name!r}")
        result = handlers.records.browse(reader, name, args["partition"], args["anchors"], args["timestamp_ms"],
                                         filt, args["limit"])
    return result, unmasked(console, f"topic {name}")


def _tail(console: Reads, name: str, filt: RecordFilter, shown: bool, tails: threading.BoundedSemaphore
          ) -> Iterator[str]:
    """The topic's new records as `record` events until TAIL_SECONDS; frees its tail slot however it ends."""
    stop = threading.Event()
    try:
        yield "retry: 3000\n\n"
        with console.reader() as reader:
            for record in reader.tail(reader.partitions(name), stop, TAIL_SECONDS):
                if record is None:
                    yield sse_comment()
                    continue
                view = view_of(record.topic, record.partition, record.offset, record.timestamp, record.key,
                               record.value, record.headers)
                if filt.matches(view):
                    yield sse("record", views.record_json(view, shown))
    finally:
        stop.set()
        tails.release()
