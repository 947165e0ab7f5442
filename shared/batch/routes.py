"""How a batch unit maps an event to the one document it changes, and the aggregate that document holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
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


# Every service's consumer declares what it handles the same way, in its handlers.py:
#     ROUTES = {"order.placed": Handles(place_order, order_outcome), ...}
#     AFTER_WRITE = {"shipper.key_issued": register_keys, ...}
# where a handler is `(aggregate or None, event, deps) -> Applied`, a hook `(events, deps) -> rejections`, and
# `deps` the service's one dataclass of collaborators (repositories, clock); its worker binds both with `bind`.

Locate = Callable[[CloudEvent], tuple[str, str]]


@dataclass(frozen=True)
class Handles:
    """One row of a routing table: the handler, and the (collection, key) of the document an event changes."""

    handler: Callable[[Any, CloudEvent, Any], Applied]
    document: Callable[..., tuple[str, str]]  # (event) -> (collection, key); (event, deps) with locate_with_deps
    locate_with_deps: bool = False  # a document known only through another one (the console's parcel of an order)


def keyed(collection: str, key: Callable[[CloudEvent], str] = subject) -> Locate:
    """The locator of a type whose documents all live in `collection`, under `key` (by default the subject)."""
    return lambda event: (collection, key(event))


def bind(routes: Mapping[str, Handles], deps: object) -> dict[str, Route]:
    """A service's routing table as the batch unit's routes, every handler given the service's `deps`."""
    # `locate` names each event's document, so the route's own collection and key are never read.
    return {kind: Route("", partial(row.handler, deps=deps), locate=_locator(row, deps))
            for kind, row in routes.items()}


def _locator(row: Handles, deps: object) -> Locate:
    return partial(row.document, deps=deps) if row.locate_with_deps else row.document


def bind_hooks(hooks: Mapping[str, Callable[..., list[tuple[CloudEvent, BaseException]]]], deps: object
               ) -> dict[str, AfterWrite]:
    """A service's after-write table, every hook given the service's `deps`."""
    return {kind: partial(hook, deps=deps) for kind, hook in hooks.items()}
