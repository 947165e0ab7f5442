"""Versioned aggregate documents with an embedded outbox and the ids of the events already applied.

Every write is one single-document update guarded by the version read, so it is atomic on MongoDB
and detects a concurrent writer (ConcurrencyConflict, retried by the caller).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from shared.errors import ConcurrencyConflict
from shared.events.envelope import CloudEvent, to_document

Document = dict[str, Any]
APPLIED_KEEP = 64  # per aggregate; redeliveries come long before 64 newer events


class AlreadyExists(Exception):
    """A document with this `_id` (or unique key) is already stored."""


def with_events(document: Document, events: Iterable[CloudEvent]) -> Document:
    """The document with events appended to its outbox (saved in the same write)."""
    outbox = list(document.get("outbox", [])) + [to_document(e) for e in events]
    return {**document, "outbox": outbox, "outbox_pending": bool(outbox)}


def was_applied(document: Document, event_id: str) -> bool:
    return event_id in document.get("applied_events", ())


def mark_applied(document: Document, event_id: str) -> Document:
    applied = [*document.get("applied_events", []), event_id][-APPLIED_KEEP:]
    return {**document, "applied_events": applied}


HINTS = "outbox_hints"


@dataclass(frozen=True)
class Queue:
    """Work embedded in documents: `flag` is true while a document holds some; `hints` points a drainer at it."""

    flag: str
    hints: str


OUTBOX = Queue("outbox_pending", HINTS)


def hint_id(collection: str, doc_id: str) -> str:
    return f"{collection}/{doc_id}"


def hint(collection: str, doc_id: str) -> Document:
    return {"_id": hint_id(collection, doc_id), "collection": collection, "doc_id": doc_id}


class VersionedCollection:
    """Reads and writes whole aggregate documents, each write checked against the version read.

    `queues` are the embedded queues its writers may add to (the outbox unless told otherwise): every write
    that leaves one pending hints the document for that queue's drainer.
    """

    def __init__(self, collection: Collection, queues: Sequence[Queue] = (OUTBOX,)):
        self.collection = collection
        self.queues = tuple(queues)

    def get(self, doc_id: str) -> Document | None:
        return self.collection.find_one({"_id": doc_id})

    def insert(self, document: Document) -> Document:
        stored = {**document, "version": 1}
        try:
            self.collection.insert_one(stored)
        except DuplicateKeyError as exc:
            raise AlreadyExists(str(exc)) from exc
        self._hint(stored)
        return stored

    def save(self, document: Document) -> Document:
        """Replace the stored document if nobody wrote it since it was read."""
        version = document["version"]
        stored = {**document, "version": version + 1}
        result = self.collection.replace_one({"_id": document["_id"], "version": version}, stored)
        if result.matched_count != 1:
            raise ConcurrencyConflict(f"{self.collection.name}/{document['_id']} changed since version {version}")
        self._hint(stored)
        return stored

    def rehint(self, document: Document) -> None:
        """Hint `document` again for every queue it has work in (a drainer that claimed it could not finish)."""
        self._hint(document)

    def _hint(self, stored: Document) -> None:
        """Point each drainer at a document with work pending for it (a small `_id`-keyed collection it can scan).

        The hint is a second write, so a crash can lose it; the drainer's periodic full sweep covers that.
        """
        for queue in self.queues:
            if stored.get(queue.flag):
                with contextlib.suppress(DuplicateKeyError):
                    self.collection.database[queue.hints].insert_one(hint(self.collection.name, stored["_id"]))

    def apply_once(
        self, doc_id: str, event_id: str, change: Callable[[Document], Document], attempts: int = 5
    ) -> bool:
        """Apply `change` to the document unless this event was applied already; False if it was.

        The "already applied" check and the change land in the same single-document write.
        """
        return self.apply_many(doc_id, [(event_id, change)], attempts) == 1

    def apply_many(
        self, doc_id: str, changes: Sequence[tuple[str, Callable[[Document], Document]]], attempts: int = 5
    ) -> int:
        """Apply, in order, each (event id, change) not applied yet — all in one write; returns how many."""
        for attempt in range(attempts):
            document = self.get(doc_id)
            if document is None:
                raise LookupError(f"{self.collection.name}/{doc_id} does not exist")
            applied = 0
            for event_id, change in changes:
                if not was_applied(document, event_id):
                    document = mark_applied(change(document), event_id)
                    applied += 1
            if not applied:
                return 0
            try:
                self.save(document)
                return applied
            except ConcurrencyConflict:
                if attempt == attempts - 1:
                    raise
        return 0
