"""How a batch unit maps an event to the one document it changes, and the aggregate that document holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shared.events.envelope import CloudEvent
from shared.mongo.documents import Document

A = TypeVar("A")


@dataclass(frozen=True)
class Applied(Generic[A]):
    """What a handler returns: the aggregate after the event (None: no document) and the events it causes.

    `changed=False` says the event left the aggregate as it was and caused nothing: when no event of a
    document's batch changed it, nothing is written (its event ids are not recorded: such a handler must
    decide the same again on a redelivery).
    """

    aggregate: A | None
    events: Sequence[CloudEvent] = field(default_factory=tuple)
    changed: bool = True


@dataclass(frozen=True)
class Codec(Generic[A]):
    """A collection's aggregate <-> its stored fields (`_id` included); bookkeeping fields are the unit's."""

    load: Callable[[Document], A]
    dump: Callable[[A], Document]


def subject(event: CloudEvent) -> str:
    return event.subject


@dataclass(frozen=True)
class Route:
    """An event type's document (`collection`, `key`) and its handler: (aggregate or None, event) -> Applied.

    `locate`, when given, names the document per event instead, as (collection, key): for a type whose
    events land in one of several collections (shipping: a placed order's shipment, or its refusal).
    """

    collection: str
    apply: Callable[[Any, CloudEvent], Applied]
    key: Callable[[CloudEvent], str] = subject
    locate: Callable[[CloudEvent], tuple[str, str]] | None = None

    def document(self, event: CloudEvent) -> tuple[str, str]:
        """The (collection, key) of the one document this event changes."""
        return self.locate(event) if self.locate else (self.collection, self.key(event))


# Runs once the batch's documents are written, with every event of its type that was not refused; returns
# the events it refuses, with why. Must be idempotent: a retried batch runs it again.
AfterWrite = Callable[[Sequence[CloudEvent]], list[tuple[CloudEvent, BaseException]]]
