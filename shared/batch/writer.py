"""One document written outside a consumer (an API request, a CLI command), its outbox published right after.

The steps and store commands of a batch unit's write, for one document: hint (before the write, so a crash at
any later point leaves one), write, publish (waiting for the broker's ack), trim guarded by the version written,
unhint — 4 commands when the document holds events, 1 otherwise. A publish the broker does not acknowledge
leaves the hint: the crash sweeper publishes those events once its grace period is over, and a later writer of
the document publishes them first (they stay at the head of its outbox), so per-key order holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.batch.ports import DocumentStore, Publisher, Write
from shared.events.envelope import from_document
from shared.failures import is_transient
from shared.mongo.documents import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Written:
    """What a write came to: `stored` is the document as stored now (another writer's when `landed` is False)."""

    landed: bool
    stored: Document | None
    published: bool = False


class OutboxWriter:
    """Writes one document and publishes its outbox; a broker that does not answer leaves it to the sweeper."""

    def __init__(self, store: DocumentStore, publisher: Publisher):
        self.store = store
        self.publisher = publisher

    def write(self, collection: str, write: Write) -> Written:
        """Hint, write, publish, trim, unhint; a write that did not land publishes nothing (its hint stays)."""
        key = (collection, write.doc_id)
        outbox = write.document.get("outbox") or []
        if outbox:
            self.store.hint([key])
        missed = self.store.write(collection, [write])
        if write.doc_id in missed:
            return Written(False, missed[write.doc_id])
        if not outbox or not self._publish(key, outbox):
            return Written(True, write.document)
        version = write.document["version"]
        if not self.store.trim(collection, [(write.doc_id, version)]):
            return Written(True, write.document, published=True)  # moved meanwhile: the sweeper tidies up
        self.store.unhint([key])
        return Written(True, {**write.document, "outbox": [], "outbox_pending": False, "version": version + 1}, True)

    def _publish(self, key: tuple[str, str], outbox: list[Document]) -> bool:
        try:
            self.publisher.publish([from_document(entry) for entry in outbox])
        except Exception as exc:  # transient: stored already, the sweeper publishes it; anything else is a bug
            if not is_transient(exc):
                raise
            log.warning("outbox left to the sweeper", extra={"document": "/".join(key), "error": repr(exc)[:300]})
            return False
        return True
