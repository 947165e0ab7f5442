"""The documents with work pending in one embedded queue, found without scanning their collections.

Only `_id` lookups are indexed on FerretDB, so a filter on the queue's flag reads every stored document. Writers
leave a hint instead (see VersionedCollection); a drainer claims the hints, then reads their documents by `_id`.
Claiming first means a write landing meanwhile re-creates its hint, so nothing waits for the sweep. A crash
between a document write and its hint loses the hint: a full scan by the flag now and then covers that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from shared.mongo.documents import Document, Queue, VersionedCollection

Pending = tuple[VersionedCollection, Document]


class PendingDocuments:
    """The pending documents of collections of one database, whose hints share one collection (one query a pass)."""

    def __init__(
        self,
        stores: Sequence[VersionedCollection],
        queue: Queue,
        sweep_every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
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

    def take(self, limit: int) -> list[Pending]:
        """Up to `limit` documents with work pending: the hinted ones, or a full sweep when one is due."""
        now = self.clock()
        if now - self._last_sweep >= self.sweep_every:
            self._last_sweep = now
            return self.swept(limit)
        return self.hinted(limit)

    def hinted(self, limit: int) -> list[Pending]:
        claimed = list(self.hints.find({"collection": {"$in": list(self.stores)}}).limit(limit))
        if claimed:
            self.hints.delete_many({"_id": {"$in": [hint["_id"] for hint in claimed]}})
        found = ((self.stores[hint["collection"]], hint["doc_id"]) for hint in claimed)
        return [(store, document) for store, doc_id in found
                if (document := store.get(doc_id)) is not None and document.get(self.queue.flag)]

    def swept(self, limit: int) -> list[Pending]:
        return [(store, document) for store in self.stores.values()
                for document in store.collection.find({self.queue.flag: True}).limit(limit)]
