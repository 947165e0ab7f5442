"""The outbox relay: publishes the events embedded in aggregate documents, then removes them.

Writers leave a hint (`outbox_hints`, one small document per aggregate with pending events) so each pass
reads only what is pending by `_id`; a full sweep of every collection runs now and then in case a hint
was lost to a crash (see PendingDocuments). A crash between publishing and removing publishes the same
events again on the next pass; consumers absorb the duplicate (same event id).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from prometheus_client import Counter
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from shared.errors import ConcurrencyConflict
from shared.events.envelope import from_document
from shared.failures import KAFKA, dependency_of, is_transient
from shared.kafka.producer import EventProducer
from shared.mongo.client import IndexSpec
from shared.mongo.documents import OUTBOX, Document, VersionedCollection
from shared.mongo.pending import PendingDocuments
from shared.resilience import FRESH_CLIENTS_AFTER, Patience

log = logging.getLogger(__name__)

PUBLISHED = Counter("parcelbridge_outbox_published_total", "Events published by outbox relays.", ["collection"])


def outbox_index(collection: str) -> IndexSpec:
    return IndexSpec(collection, (("outbox_pending", 1),))


class OutboxRelay:
    """The live relay (`grace` 0: every hint, every `interval`), or a crash sweeper behind live writers.

    As a sweeper (`grace` > 0, for collections written by a BatchUnit) it takes only hints older than `grace`
    seconds, every `interval` seconds, and never sweeps whole collections: the unit hints before it writes, so
    no crash loses a hint, and a full sweep would take documents a live writer is publishing right now.
    """

    def __init__(
        self, collections: Iterable[Collection], producer: EventProducer, batch: int = 200, sweep_every: float = 30.0,
        grace: float = 0.0, interval: float = 0.05,
    ):
        self.stores = {c.name: VersionedCollection(c) for c in collections}
        by_database: dict[str, list[VersionedCollection]] = {}
        for store in self.stores.values():
            by_database.setdefault(store.collection.database.name, []).append(store)
        # One hints query a pass per database, whatever the number of its collections.
        every = None if grace else sweep_every
        self.pending = [PendingDocuments(stores, OUTBOX, every, grace=grace) for stores in by_database.values()]
        self.producer = producer
        self.batch = batch
        self.interval = interval

    @property
    def collections(self) -> list[VersionedCollection]:
        return list(self.stores.values())

    def run(self, stop: threading.Event, on_pass: Callable[[], None] | None = None,
            patience: Patience | None = None) -> None:
        """Relay until stopped, waiting `interval` whenever nothing is pending; `on_pass` after each pass.

        A pass that fails on the broker or the store is tried again after `patience`'s backoff, for as long as
        it takes; any other failure is a bug and ends the loop.
        """
        patience = patience or Patience(stop)
        while not stop.is_set():
            try:
                published = self.relay_once()
            except Exception as exc:  # classified: an outage is waited out, a bug propagates
                if not is_transient(exc):
                    raise
                if dependency_of(exc) == KAFKA and patience.attempt + 1 >= FRESH_CLIENTS_AFTER:
                    raise  # a fresh producer, through the worker's outer loop (see shared.resilience)
                if not patience.failed(exc, "outbox pass"):
                    return
                continue
            patience.recovered()
            if published == 0:
                stop.wait(self.interval)
            if on_pass is not None:
                on_pass()

    def relay_once(self) -> int:
        """One pass (hinted documents, plus a full sweep when due); returns how many events were published."""
        pending = [item for documents in self.pending for item in documents.take(self.batch)]
        if not pending:
            return 0
        try:
            published = self._publish_all(pending)
        except Exception:
            self._hint_again(pending)
            raise
        for store, document in pending:
            self.remove_published(store, document)
        return published

    @staticmethod
    def _hint_again(pending: list[tuple[VersionedCollection, Document]]) -> None:
        """Put back the hints this pass claimed: a sweeper never scans whole collections, so without its hint a
        document whose publish failed (the broker was down) would keep its events for good."""
        try:
            for store, document in pending:
                store.rehint(document)
        except PyMongoError as exc:
            log.error("outbox hints lost after a failed publish; their events wait for a writer's next hint",
                      extra={"error": repr(exc)[:300], "ids": [document["_id"] for _, document in pending][:20]})

    def _publish_all(self, pending: list[tuple[VersionedCollection, Document]]) -> int:
        events = [from_document(entry) for _, document in pending for entry in document.get("outbox", [])]
        self.producer.publish(events)
        return len(events)

    def publish(self, document: Document) -> int:
        """Publish one document's pending events (the first half of a pass)."""
        return self._publish_all([(self.collections[0], document)])

    def remove_published(self, store: VersionedCollection, document: Document, attempts: int = 5) -> None:
        """Drop the published events only; an event appended meanwhile stays for the next pass.

        The write is guarded by the version of `document` as read for publishing, so it is read again only
        when someone wrote it since.
        """
        published = {entry["id"] for entry in document.get("outbox", [])}
        current: Document | None = document
        for _ in range(attempts):
            if current is None:
                return
            remaining = [e for e in current.get("outbox", []) if e["id"] not in published]
            try:
                store.save({**current, "outbox": remaining, "outbox_pending": bool(remaining)})
                PUBLISHED.labels(store.collection.name).inc(len(published))
                return
            except ConcurrencyConflict:
                current = store.get(document["_id"])
        log.warning("outbox not trimmed; its events will be published again", extra={"id": document["_id"]})
