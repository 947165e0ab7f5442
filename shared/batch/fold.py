"""One document's events of a batch, applied in memory in order: the pure half of a batch unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.batch.routes import Codec, Route
from shared.events.envelope import CloudEvent, to_document
from shared.failures import is_transient
from shared.logs import request_id_var
from shared.mongo.documents import APPLIED_KEEP, Document

Rejection = tuple[CloudEvent, BaseException]
_UNLOADED = object()


class _Refused(Exception):
    def __init__(self, event: CloudEvent, error: BaseException):
        super().__init__(str(error))
        self.event, self.error = event, error


@dataclass(frozen=True)
class Folded:
    """The document to write (None: nothing new), the events it adds to its outbox, and the events refused."""

    document: Document | None
    events: list[CloudEvent]
    refused: list[Rejection]


def fold(codec: Codec, routes: Mapping[str, Route], doc_id: str, stored: Document | None,
         events: Sequence[CloudEvent]) -> Folded:
    """Apply, in order, each event not applied to `stored` yet; a refused event is left out and the rest redone.

    Redoing from `stored` means a handler that failed halfway through changing its aggregate leaves no trace.
    """
    refused: list[Rejection] = []
    while True:
        kept = [e for e in events if not any(e is r for r, _ in refused)]
        try:
            document, caused = _fold_once(codec, routes, doc_id, stored, kept)
            return Folded(document, caused, refused)
        except _Refused as refusal:
            refused.append((refusal.event, refusal.error))


def _fold_once(codec: Codec, routes: Mapping[str, Route], doc_id: str, stored: Document | None,
               events: Sequence[CloudEvent]) -> tuple[Document | None, list[CloudEvent]]:
    applied = list(stored.get("applied_events", [])) if stored else []
    aggregate = _UNLOADED
    caused: list[CloudEvent] = []
    changed = False
    for event in events:
        if event.id in applied:
            continue
        if aggregate is _UNLOADED:
            aggregate = codec.load(stored) if stored else None  # only when there is something new to apply
        result = _handle(routes[event.short_type], aggregate, event)
        aggregate = result.aggregate
        caused.extend(result.events)
        changed = changed or result.changed
        applied.append(event.id)
    if aggregate is _UNLOADED or aggregate is None or not changed:
        return None, []
    outbox = [*(stored or {}).get("outbox", []), *(to_document(e) for e in caused)]
    return {
        **(stored or {}), **codec.dump(aggregate), "_id": doc_id,
        "version": (stored["version"] if stored else 0) + 1,
        "applied_events": applied[-APPLIED_KEEP:], "outbox": outbox, "outbox_pending": bool(outbox),
    }, caused


def _handle(route: Route, aggregate, event: CloudEvent):
    token = request_id_var.set(event.requestid)
    try:
        return route.apply(aggregate, event)
    except Exception as exc:  # a transient error retries the batch; anything else refuses this event alone
        if is_transient(exc):
            raise
        raise _Refused(event, exc) from exc
    finally:
        request_id_var.reset(token)
