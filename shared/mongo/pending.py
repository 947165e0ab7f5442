"""The documents with work pending in one embedded queue, found without scanning their collections.

Only `_id` lookups are indexed on FerretDB, so a filter on the queue's flag reads every stored document. Writers
leave a hint instead (see VersionedCollection); a drainer claims the hints, then reads their documents by `_id`.
Claiming first means a write landing meanwhile re-creates its hint, so nothing waits for the sweep. A crash
between a document write and its hint loses the hint: a full scan by the flag now and then covers that.

Writers that hint before they write and drain their own work right after (the batch unit) need neither: their
drainer is a crash sweeper that takes only hints older than `grace` (the live writer is done with those) and
deletes each only if no writer refreshed it since (its `at` unchanged), so it never races the live writer.

A live drainer (no grace) of writers that hint before they write (the batch unit's other queues: orders' webhook
deliveries) gives each hint up to `settle` seconds to be followed by its document: it reads the documents first
and deletes only the hints whose document shows work, or that are older than that (their writer crashed, or the
work was drained already). Deleting claimed hints first would lose the work of a writer that hinted and has not
written yet. Work landing after the read is hinted again by the drainer's own guarded write-back of what it
took, which then sees it (or makes that writer retry, hinting again).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from pymongo import DeleteOne

from shared.mongo.documents import Document, Queue, VersionedCollection

Pending = tuple[VersionedCollection, Document]


class PendingDocuments:
    """The pending documents of collections of one database, whose hints share one collection (one query a pass)."""

    def __init__(
        self,
        stores: Sequence[VersionedCollection],
        queue: Queue,
        sweep_every: float | None = 30.0,
        clock: Callable[[], float] = time.monotonic,
        grace: float = 0.0,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        settle: float | None = None,
    ):
        databases = {store.collection.database.name for store in stores}
        if len(databases) != 1:
            raise ValueError(f"the collections must share one database, not {sorted(databases)}")
        self.stores = {store.collection.name: store for store in stores}
        self.hints = stores[0].collection.database[queue.hints]
        self.queue = queue
        self.sweep_every = sweep_every
        self.clock = clock
        self._last_sweep = float("-inf")
        self.grace = grace
        self.wall_clock = wall_clock
        self.settle = settle

    def take(self, limit: int) -> list[Pending]:
        """Up to `limit` documents with work pending: the hinted ones, or a full sweep when one is due (if ever)."""
        now = self.clock()
        if self.sweep_every is not None and now - self._last_sweep >= self.sweep_every:
            self._last_sweep = now
            return self.swept(limit)
        return self.hinted(limit)

    def hinted(self, limit: int) -> list[Pending]:
        claimed = list(self.hints.find(self._claimable()).limit(limit))
        if self.settle is not None:
            return self._settled(claimed)
        self._delete(claimed)
        found = ((self.stores[hint["collection"]], hint["doc_id"]) for hint in claimed)
        return [(store, document) for store, doc_id in found
                if (document := store.get(doc_id)) is not None and document.get(self.queue.flag)]

    def _settled(self, claimed: list[Document]) -> list[Pending]:
        cutoff = self.wall_clock() - timedelta(seconds=self.settle or 0)
        ready: list[Pending] = []
        done: list[str] = []
        for hint in claimed:
            store = self.stores[hint["collection"]]
            document = store.get(hint["doc_id"])
            if document is not None and document.get(self.queue.flag):
                ready.append((store, document))
                done.append(hint["_id"])
            elif _older(hint, cutoff):
                done.append(hint["_id"])
        if done:
            self.hints.delete_many({"_id": {"$in": done}})
        return ready

    def _claimable(self) -> dict:
        mine = {"collection": {"$in": list(self.stores)}}
        if not self.grace:
            return mine
        cutoff = self.wall_clock() - timedelta(seconds=self.grace)
        return {**mine, "$or": [{"at": {"$lt": cutoff}}, {"at": {"$exists": False}}]}

    def _delete(self, claimed: list[Document]) -> None:
        if not claimed:
            return
        if not self.grace:
            self.hints.delete_many({"_id": {"$in": [hint["_id"] for hint in claimed]}})
            return
        self.hints.bulk_write([DeleteOne({"_id": h["_id"], "at": h.get("at", {"$exists": False})})
                               for h in claimed], ordered=False)

    def swept(self, limit: int) -> list[Pending]:
        return [(store, document) for store in self.stores.values()
                for document in store.collection.find({self.queue.flag: True}).limit(limit)]


def _older(hint: Document, cutoff: datetime) -> bool:
    """True for a hint older than `cutoff`, or written without a time (by a writer that hints after writing)."""
    at = hint.get("at")
    return at is None or at.replace(tzinfo=at.tzinfo or UTC) < cutoff
