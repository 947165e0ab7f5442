"""The console consumer's unit: a poll applied to the read model as two batch units, orders first, then parcels.

Orders go first so that a booking's parcel copies its order as the whole poll left it (placement time, when
its event reached Kafka). Store commands per poll, nothing conflicting and nothing cached: one read and one
bulk write (per 90 documents) per collection (orders, parcels), then one insert per row collection that has
rows (aliases, exceptions, unmapped). Cached documents need no read; the documents hold no outbox, so nothing
is published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.console.adapters.readmodel import ALIASES, ORDERS, PARCELS, TRACE_CODEC
from services.console.adapters.rows import InsertOnce
from services.console.domain.pipeline import Document
from services.console.handlers.projection import ORDER_ROUTES, PARCEL_ROUTES, Projection, alias_rows, panel_rows
from shared.batch.cache import DocumentCache
from shared.batch.fold import Rejection
from shared.batch.ports import DocumentStore
from shared.batch.routes import bind
from shared.batch.unit import BatchUnit
from shared.events.envelope import CloudEvent

# Per collection and consumer process. A parcel with a full trace (150 entries) is ~30 kB: this bounds the
# cache near 60 MB, and holds every document of a poll (at most 200 records) many times over.
CACHED_DOCUMENTS = 2_000


class NothingToPublish:
    """The read model's documents never hold an outbox: an event reaching this publisher is a bug."""

    def publish(self, events: Iterable[CloudEvent]) -> None:
        if list(events):
            raise RuntimeError("the console's read model publishes nothing")


class ProjectionUnit:
    """The read model's only writer for the partitions its consumer owns; the runner's `Unit`."""

    def __init__(self, store: DocumentStore, rows: InsertOnce, cache_size: int = CACHED_DOCUMENTS):
        self.store = store
        self.rows = rows
        deps = Projection(order_of=self.order)
        self.orders = BatchUnit(store, NothingToPublish(), {ORDERS: TRACE_CODEC}, bind(ORDER_ROUTES, deps),
                                cache=DocumentCache(cache_size))
        after_write = {"shipment.booked": self._add_aliases, "scan.recorded": self._add_panel_rows}
        self.parcels = BatchUnit(store, NothingToPublish(), {PARCELS: TRACE_CODEC}, bind(PARCEL_ROUTES, deps),
                                 after_write, DocumentCache(cache_size))

    def handles(self, short_type: str) -> bool:
        return self.orders.handles(short_type) or self.parcels.handles(short_type)

    def forget(self) -> None:
        self.orders.forget()
        self.parcels.forget()

    def apply(self, events: Sequence[CloudEvent]) -> list[Rejection]:
        """Apply the orders' events, then the parcels' (without those refused); returns every refusal once."""
        refused = self.orders.apply([event for event in events if self.orders.handles(event.short_type)])
        left_out = {id(event) for event, _ in refused}
        return refused + self.parcels.apply(
            [event for event in events if id(event) not in left_out and self._changes_parcel(event)])

    def order(self, order_id: str) -> Document | None:
        """The order as this poll left it: the orders unit read or wrote it just now, so it is cached."""
        stored = self.orders.cache.get((ORDERS, order_id))
        if stored is None:  # evicted (a poll touching more orders than the cache holds): read it
            stored = self.store.read(ORDERS, [order_id]).get(order_id)
        return TRACE_CODEC.load(stored) if stored else None

    def _changes_parcel(self, event: CloudEvent) -> bool:
        if event.short_type == "order.placed":  # placed after its booking was read: the parcel exists
            return bool((self.order(event.data["order_id"]) or {}).get("shipment_id"))
        return self.parcels.handles(event.short_type)

    def _add_aliases(self, bookings: Sequence[CloudEvent]) -> list[Rejection]:
        self.rows.add(ALIASES, alias_rows(bookings))
        return []

    def _add_panel_rows(self, scans: Sequence[CloudEvent]) -> list[Rejection]:
        for collection, rows in panel_rows(scans).items():
            self.rows.add(collection, rows)
        return []
