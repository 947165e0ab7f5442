"""The outbox relay: publishes the events embedded in aggregate documents, then removes them.

Writers leave a hint (`outbox_hints`, one small document per aggregate with pending events) so each pass
reads only what is pending by `_id`; a full sweep of every collection runs now and then in case a hint
was lost to a crash. A crash between publishing and removing publishes the same events again on the next
pass; consumers absorb the duplicate (same event id).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from prometheus_client import Counter
from pymongo.collection import Collection

from shared.errors import ConcurrencyConflict
from shared.events.envelope import from_document
from shared.kafka.producer import EventProducer
from shared.mongo.client import IndexSpec
from shared.mongo.documents import Document, VersionedCollection

log = logging.getLogger(__name__)

PUBLISHED = Counter("parcelbridge_outbox_published_total", "Events published by outbox relays.", ["collection"])


def outbox_index(collection: str) -> IndexSpec:
    return IndexSpec(collection, (("outbox_pending", 1),))


class OutboxRelay:
    def __init__(
        self, collections: Iterable[Collection], producer: EventProducer, batch: int = 200, sweep_every: float = 30.0
    ):
        self.stores = {c.name: VersionedCollection(c) for c in collections}
        self.producer = producer
        self.batch = batch
        self.sweep_every = sweep_every
        self._last_sweep = float("-inf")

    @property
    def collections(self) -> list[VersionedCollection]:
        return list(self.stores.values())

    def run(self, stop: threading.Event, idle_wait: float = 0.05) -> None:
        """Relay until stopped, waiting briefly whenever nothing is pending."""
        while not stop.is_set():
            if self.relay_once() == 0:
                stop.wait(idle_wait)

    def relay_once(self) -> int:
        """One pass (hinted documents, plus a full sweep when due); returns how many events were published."""
        due = time.monotonic() - self._last_sweep >= self.sweep_every
        pending = self._swept() if due else self._hinted()
        if due:
            self._last_sweep = time.monotonic()
        if not pending:
            return 0
        published = self._publish_all(pending)
        for store, document in pending:
            self.remove_published(store, document)
        return published

    def _hinted(self) -> list[tuple[VersionedCollection, Document]]:
        found = []
        for store in self.collections:
            hints = list(store.hints.find({"collection": store.collection.name}).limit(self.batch))
            # Claim first: a writer appending meanwhile re-creates the hint, so nothing waits for the sweep.
            if hints:
                store.hints.delete_many({"_id": {"$in": [hint["_id"] for hint in hints]}})
            for hint in hints:
                document = store.get(hint["doc_id"])
                if document is not None and document.get("outbox"):
                    found.append((store, document))
        return found

    def _swept(self) -> list[tuple[VersionedCollection, Document]]:
        return [
            (store, document)
            for store in self.collections
            for document in store.collection.find({"outbox_pending": True}).limit(self.batch)
        ]

    def _publish_all(self, pending: list[tuple[VersionedCollection, Document]]) -> int:
        events = [from_document(entry) for _, document in pending for entry in document.get("outbox", [])]
        self.producer.publish(events)
        return len(events)

    def publish(self, document: Document) -> int:
        """Publish one document's pending events (the first half of a pass)."""
        return self._publish_all([(self.collections[0], document)])

    def remove_published(self, store: VersionedCollection, document: Document, attempts: int = 5) -> None:
        """Drop the published events only; an event appended meanwhile stays for the next pass."""
        published = {entry["id"] for entry in document.get("outbox", [])}
        for _ in range(attempts):
            current = store.get(document["_id"])
            if current is None:
                return
            remaining = [e for e in current.get("outbox", []) if e["id"] not in published]
            try:
                store.save({**current, "outbox": remaining, "outbox_pending": bool(remaining)})
                PUBLISHED.labels(store.collection.name).inc(len(published))
                return
            except ConcurrencyConflict:
                continue
        log.warning("outbox not trimmed; its events will be published again", extra={"id": document["_id"]})
