"""What a batch unit needs from the outside: a document store that works a batch at a time, and a publisher."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.events.envelope import CloudEvent
from shared.mongo.documents import Document


@dataclass(frozen=True)
class Write:
    """One document of a bulk write: an insert when `version` is None, else a replace guarded by it."""

    doc_id: str
    version: int | None
    document: Document


class DocumentStore(abc.ABC):
    """Reads and writes many documents of a collection per command; the outbox hints live beside them."""

    @abc.abstractmethod
    def read(self, collection: str, ids: Sequence[str]) -> dict[str, Document]:
        """The stored documents among `ids`, in one query."""

    @abc.abstractmethod
    def write(self, collection: str, writes: Sequence[Write]) -> dict[str, Document | None]:
        """Every write in one unordered bulk; returns the ids that did not land, with what is stored instead."""

    @abc.abstractmethod
    def hint(self, keys: Sequence[tuple[str, str]]) -> None:
        """Mark these (collection, id) as about to hold pending events (before they are written), in one command."""

    @abc.abstractmethod
    def trim(self, collection: str, published: Sequence[tuple[str, int]]) -> bool:
        """Empty the outbox of each (id, version) still at that version, bumping it; False if any had moved."""

    @abc.abstractmethod
    def unhint(self, keys: Sequence[tuple[str, str]]) -> None:
        """Forget the hints of (collection, id) whose outbox was published and trimmed, in one command."""

    def hint_queue(self, hints: str, keys: Sequence[tuple[str, str]]) -> None:
        """Point another embedded queue's drainer (its `hints` collection) at these (collection, id), in one command.

        Not abstract, so stores of units without such a queue need not change.
        """
        raise NotImplementedError(f"{type(self).__name__} keeps no hints for other queues")


class Publisher(Protocol):
    def publish(self, events: Iterable[CloudEvent]) -> None:
        """Return once every event is acknowledged by the broker; raise TransientError otherwise."""
