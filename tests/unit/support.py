"""Test doubles that more than one service's unit tests use."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from shared.batch.ports import DocumentStore, Write
from shared.errors import TransientError
from shared.events.envelope import CloudEvent
from shared.mongo.documents import Document


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


class FakeDocumentStore(DocumentStore):
    """Documents in dicts, with the real store's guards; counts its commands; `conflict_once` fakes another writer."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, Document]] = {}
        self.hints: set[tuple[str, str]] = set()
        self.queue_hints: dict[str, set[tuple[str, str]]] = {}  # other embedded queues' hints, by collection
        self.commands: list[str] = []
        self.reads: list[list[str]] = []
        self.writes: list[list[str]] = []
        self.conflict_once: set[str] = set()  # ids whose next guarded write finds a newer version
        self.fail_writes = False

    def documents(self, collection: str) -> dict[str, Document]:
        return self.collections.setdefault(collection, {})

    def read(self, collection: str, ids: Sequence[str]) -> dict[str, Document]:
        self.commands.append("read")
        self.reads.append(sorted(ids))
        stored = self.documents(collection)
        return {doc_id: copy.deepcopy(stored[doc_id]) for doc_id in ids if doc_id in stored}

    def write(self, collection: str, writes: Sequence[Write]) -> dict[str, Document | None]:
        self.commands.append("write")
        self.writes.append(sorted(w.doc_id for w in writes))
        if self.fail_writes:
            raise TransientError("store unreachable")
        stored, missed = self.documents(collection), set()
        for write in writes:
            current = stored.get(write.doc_id)
            if write.doc_id in self.conflict_once:
                self.conflict_once.discard(write.doc_id)
                stored[write.doc_id] = {**current, "version": current["version"] + 1}
                missed.add(write.doc_id)
            elif (current is None) != (write.version is None) or (current and current["version"] != write.version):
                missed.add(write.doc_id)
            else:
                stored[write.doc_id] = copy.deepcopy(write.document)
        return {doc_id: copy.deepcopy(stored[doc_id]) for doc_id in missed}

    def hint(self, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self.commands.append("hint")
            self.hints.update(keys)

    def hint_queue(self, hints: str, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self.commands.append(f"hint {hints}")
            self.queue_hints.setdefault(hints, set()).update(keys)

    def trim(self, collection: str, published: Sequence[tuple[str, int]]) -> bool:
        self.commands.append("trim")
        stored, trimmed = self.documents(collection), True
        for doc_id, version in published:
            if stored[doc_id]["version"] != version:
                trimmed = False
                continue
            stored[doc_id] = {**stored[doc_id], "outbox": [], "outbox_pending": False, "version": version + 1}
        return trimmed

    def unhint(self, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self.commands.append("unhint")
            self.hints.difference_update(keys)


class FakePublisher:
    """Records what was published; `fail` makes the next publish raise like an unreachable broker."""

    def __init__(self) -> None:
        self.published: list[CloudEvent] = []
        self.batches: list[int] = []
        self.fail = False
        self.closed = False

    def publish(self, events: Iterable[CloudEvent]) -> None:
        events = list(events)
        if self.fail:
            raise TransientError("broker did not acknowledge")
        self.batches.append(len(events))
        self.published.extend(events)

    def close(self, timeout: float = 10) -> None:
        self.closed = True
