"""The outbox relay: publishes the events embedded in aggregate documents, then removes them.

A crash between publishing and removing publishes the same events again on the next pass;
consumers absorb the duplicate (same event id).
"""

from __future__ import annotations

import logging
import threading
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
    def __init__(self, collections: Iterable[Collection], producer: EventProducer, batch: int = 200):
        self.collections = [VersionedCollection(c) for c in collections]
        self.producer = producer
        self.batch = batch

    def run(self, stop: threading.Event, idle_wait: float = 0.1) -> None:
        """Relay until stopped, waiting briefly whenever nothing is pending."""
        while not stop.is_set():
            if self.relay_once() == 0:
                stop.wait(idle_wait)

    def relay_once(self) -> int:
        """One pass over every collection; returns how many events were published."""
        total = 0
        for store in self.collections:
            pending = list(store.collection.find({"outbox_pending": True}).limit(self.batch))
            for document in pending:
                total += self.publish(document)
                self.remove_published(store, document)
        return total

    def publish(self, document: Document) -> int:
        events = [from_document(entry) for entry in document.get("outbox", [])]
        self.producer.publish(events)
        return len(events)

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
