"""The batch unit: a poll's events applied to their documents in memory, written back a bulk at a time, published.

Store commands per batch, when nothing conflicts (N events, K documents, C collections touched):
- one `_id $in` read per collection for the documents not cached (none once a consumer's keys are warm);
- one bulk upsert of outbox hints, before the write, when any document will hold pending events (and one per
  other embedded queue in `queues` that any written document holds work in, such as orders' webhook deliveries);
- one unordered bulk write (guarded replaces and inserts) per collection (a conflict: one read more, then
  one write more for the conflicting keys only);
- after one producer flush: one bulk trim per collection and one hints delete, when events were published.
So at most 3C + 2 + Q commands whatever N and K (5 for tracking's one collection; Q: other queues). `after_write`
hooks add their own (tracking: 2-3 for a batch holding bookings, and a delete and an insert of the trackers'
reconciliation keys for every batch that changed one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import groupby

from shared.batch.cache import CacheKey, DocumentCache
from shared.batch.fold import Rejection, fold
from shared.batch.ports import DocumentStore, Publisher, Write
from shared.batch.routes import AfterWrite, Codec, Route
from shared.errors import BusinessRuleViolation, ConcurrencyConflict
from shared.events.envelope import CloudEvent, from_document
from shared.mongo.documents import Document, Queue

# Sees each attempt's documents (collection, id) -> stored, before they are folded: a unit whose handlers look
# something up per document (orders: its shipper's webhooks) reads it here for the whole batch, in one query.
OnLoad = Callable[[Mapping[CacheKey, Document]], None]


class BatchUnit:
    """Applies batches of events to the documents they name; the only writer of those documents while it owns them."""

    def __init__(self, store: DocumentStore, publisher: Publisher, codecs: Mapping[str, Codec],
                 routes: Mapping[str, Route], after_write: Mapping[str, AfterWrite] | None = None,
                 cache: DocumentCache | None = None, attempts: int = 5, queues: Sequence[Queue] = (),
                 on_load: OnLoad | None = None):
        self.store = store
        self.publisher = publisher
        self.codecs = dict(codecs)
        self.routes = dict(routes)
        self.after_write = dict(after_write or {})
        self.cache = cache if cache is not None else DocumentCache()
        self.attempts = attempts
        self.queues = tuple(queues)  # embedded queues besides the outbox, hinted before the write like it
        self.on_load = on_load
        self._caused: dict[str, CloudEvent] = {}

    def handles(self, short_type: str) -> bool:
        # A type with only an after_write hook is handled by the hook alone (no document of the unit's).
        return short_type in self.routes or short_type in self.after_write

    def forget(self) -> None:
        """Drop every cached document (the partitions, and so the right to trust them, were revoked)."""
        self.cache.clear()

    def apply(self, events: Sequence[CloudEvent]) -> list[Rejection]:
        """Apply routed events, in order per document; returns those refused, with why. Raises if transient."""
        groups = self._group(events)
        try:
            refused = self._settle(groups)
        except BaseException:
            for key in groups:  # what landed before the failure is unknown: read it again next time
                self.cache.drop(key)
            raise
        finally:
            self._caused.clear()
        return refused + self._run_after_write(events, refused)

    def _group(self, events: Sequence[CloudEvent]) -> dict[CacheKey, list[CloudEvent]]:
        groups: dict[CacheKey, list[CloudEvent]] = {}
        for event in events:
            if route := self.routes.get(event.short_type):
                groups.setdefault(route.document(event), []).append(event)
        return groups

    def _settle(self, groups: dict[CacheKey, list[CloudEvent]]) -> list[Rejection]:
        refused: dict[CacheKey, list[Rejection]] = {}
        pending = groups
        unwritable: set[CacheKey] = set()
        for _ in range(self.attempts):
            stored = self._load(list(pending))
            if self.on_load is not None:
                self.on_load(stored)
            writes: dict[CacheKey, Document] = {}
            for key, events in pending.items():
                folded = fold(self.codecs[key[0]], self.routes, key[1], stored.get(key), events)
                refused[key] = folded.refused
                self._caused.update((e.id, e) for e in folded.events)
                if folded.document is not None:
                    writes[key] = folded.document
            conflicts = self._write(writes, stored)
            self._publish({key: writes.get(key) or stored.get(key) for key in pending if key not in conflicts})
            pending = {key: groups[key] for key in conflicts}
            if not pending:
                return [rejection for rejections in refused.values() for rejection in rejections]
            # An insert that did not land while its _id stays free was refused by another unique index.
            unwritable = {key for key, now in conflicts.items() if now is None and key not in stored}
        if unwritable == set(pending):
            # Every try drew the same refusal (a handler that redraws a clashing number succeeds on a later
            # try): waiting cannot help, so the events go to the dead-letter topic instead of stalling it.
            raise BusinessRuleViolation(f"a unique index refused the insert of {sorted(unwritable)[:5]} every time")
        raise ConcurrencyConflict(f"{len(pending)} documents kept changing under this batch")

    def _load(self, keys: list[CacheKey]) -> dict[CacheKey, Document]:
        found = {key: document for key in keys if (document := self.cache.get(key)) is not None}
        missing = sorted(key for key in keys if key not in found)
        for collection, group in groupby(missing, key=lambda key: key[0]):
            for doc_id, document in self.store.read(collection, [doc_id for _, doc_id in group]).items():
                found[(collection, doc_id)] = document
                self.cache.put((collection, doc_id), document)
        return found

    def _write(self, writes: dict[CacheKey, Document],
               stored: dict[CacheKey, Document]) -> dict[CacheKey, Document | None]:
        """Hints first, then one bulk per collection; the keys whose write did not land -> what is stored now."""
        self.store.hint([key for key, document in writes.items() if document["outbox"]])
        for queue in self.queues:
            if keys := [key for key, document in writes.items() if document.get(queue.flag)]:
                self.store.hint_queue(queue.hints, keys)
        conflicts: dict[CacheKey, Document | None] = {}
        for collection, keys in _by_collection(writes).items():
            batch = [Write(doc_id, stored[(collection, doc_id)]["version"] if (collection, doc_id) in stored else None,
                           writes[(collection, doc_id)]) for doc_id in keys]
            conflicts |= {(collection, doc_id): now for doc_id, now in self.store.write(collection, batch).items()}
        for key, document in writes.items():
            now = conflicts.get(key, document)  # on a conflict, what the other writer left: no need to read it
            if now is None:
                self.cache.drop(key)
            else:
                self.cache.put(key, now)
        return conflicts

    def _publish(self, documents: dict[CacheKey, Document | None]) -> None:
        """Publish every pending event of these documents (one flush), then trim them and drop their hints."""
        pending = {key: document for key, document in documents.items() if document and document.get("outbox")}
        if not pending:
            return
        self.publisher.publish([self._event(entry) for document in pending.values() for entry in document["outbox"]])
        trimmed = True
        for collection, keys in _by_collection(pending).items():
            trimmed &= self.store.trim(collection, [(doc_id, pending[(collection, doc_id)]["version"])
                                                    for doc_id in keys])
        for key, document in pending.items():
            if trimmed:
                self.cache.put(key, {**document, "outbox": [], "outbox_pending": False,
                                     "version": document["version"] + 1})
            else:  # another writer moved one (the sweeper): read them again; what stayed pending it publishes
                self.cache.drop(key)
        if trimmed:
            self.store.unhint(list(pending))

    def _event(self, entry: Document) -> CloudEvent:
        return self._caused.get(entry["id"]) or from_document(entry)

    def _run_after_write(self, events: Sequence[CloudEvent], refused: list[Rejection]) -> list[Rejection]:
        left_out = {id(event) for event, _ in refused}
        rejections: list[Rejection] = []
        for short_type, hook in self.after_write.items():
            mine = [e for e in events if e.short_type == short_type and id(e) not in left_out]
            if mine:
                rejections.extend(hook(mine))
        return rejections


def _by_collection(keyed: Mapping[CacheKey, object]) -> dict[str, list[str]]:
    collections: dict[str, list[str]] = {}
    for collection, doc_id in keyed:
        collections.setdefault(collection, []).append(doc_id)
    return collections
