"""The batch unit's store on MongoDB (and FerretDB): one command per collection for each step of a batch.

Every bulk update goes in chunks of UPDATE_CHUNK statements (see there): one command per chunk.
Outbox hints are upserted with a fresh `at` before every document write, so a crash at any later point
leaves a hint behind for the sweeper, and the sweeper can tell (by `at`) a hint that a live writer has
refreshed since it looked (see OutboxRelay).
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import InsertOne, ReplaceOne, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from shared.batch.ports import DocumentStore, Write
from shared.clock import Clock, utc_now
from shared.mongo.documents import HINTS, Document, hint_id

DUPLICATE_KEY = 11000
# Statements per update command. FerretDB v1.24 never answers an update command whose 100th statement matches
# (99 fine, 100 hang, with or without our write lock; found by the store's own tests); with the write-lock
# patch the hung command also stalls every other update. Replaces and updates go in chunks below that.
UPDATE_CHUNK = 90


class MongoDocumentStore(DocumentStore):
    def __init__(self, db: Database, hints: str = HINTS, clock: Clock = utc_now):
        self.db = db
        self.hints = db[hints]
        self.clock = clock

    def read(self, collection: str, ids: Sequence[str]) -> dict[str, Document]:
        if not ids:
            return {}
        return {d["_id"]: d for d in self.db[collection].find({"_id": {"$in": list(ids)}})}

    def write(self, collection: str, writes: Sequence[Write]) -> dict[str, Document | None]:
        if not writes:
            return {}
        ops = [InsertOne(w.document) if w.version is None
               else ReplaceOne({"_id": w.doc_id, "version": w.version}, w.document) for w in writes]
        landed = sum(self._bulk(collection, ops[start:start + UPDATE_CHUNK])
                     for start in range(0, len(ops), UPDATE_CHUNK))
        if landed == len(writes):
            return {}
        # The bulk result counts what landed but not which: read them all back (only in this rare case); the
        # caller applies its events again to what is stored now.
        stored = self.read(collection, [w.doc_id for w in writes])
        return {w.doc_id: stored.get(w.doc_id) for w in writes if not _landed(stored.get(w.doc_id), w.document)}

    def _bulk(self, collection: str, ops: list) -> int:
        """One unordered bulk command; returns how many statements matched or inserted (duplicates do not)."""
        try:
            result = self.db[collection].bulk_write(ops, ordered=False).bulk_api_result
        except BulkWriteError as exc:
            if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
                raise
            result = exc.details
        return result.get("nMatched", 0) + result.get("nInserted", 0) + result.get("nUpserted", 0)

    def hint(self, keys: Sequence[tuple[str, str]]) -> None:
        self.hint_queue(self.hints.name, keys)

    def hint_queue(self, hints: str, keys: Sequence[tuple[str, str]]) -> None:
        at = self.clock()
        ops = [UpdateOne({"_id": hint_id(collection, doc_id)},
                         {"$set": {"collection": collection, "doc_id": doc_id, "at": at}}, upsert=True)
               for collection, doc_id in keys]
        for start in range(0, len(ops), UPDATE_CHUNK):
            self._bulk(hints, ops[start:start + UPDATE_CHUNK])

    def trim(self, collection: str, published: Sequence[tuple[str, int]]) -> bool:
        if not published:
            return True
        ops = [UpdateOne({"_id": doc_id, "version": version},
                         {"$set": {"outbox": [], "outbox_pending": False, "version": version + 1}})
               for doc_id, version in published]
        return sum(self._bulk(collection, ops[start:start + UPDATE_CHUNK])
                   for start in range(0, len(ops), UPDATE_CHUNK)) == len(ops)

    def unhint(self, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self.hints.delete_many({"_id": {"$in": [hint_id(collection, doc_id) for collection, doc_id in keys]}})


def _landed(stored: Document | None, written: Document) -> bool:
    """True when the stored document is the one written (same version, same applied events)."""
    return (stored is not None and stored.get("version") == written["version"]
            and stored.get("applied_events") == written.get("applied_events"))
