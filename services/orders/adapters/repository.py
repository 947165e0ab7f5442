"""Orders and shippers in MongoDB, behind small interfaces the unit tests fake.

Each aggregate is one document (`_id` = its id) carrying its outbox and the ids of the events applied
to it, so a state change and the events it causes are one single-document write. A shipper's orders are
listed through `shipper_orders` (see listing.py), never by a query on `orders` fields.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from pymongo.collection import Collection
from pymongo.database import Database

from services.orders.adapters.listing import ORDER_LISTING, ListingIndex
from services.orders.adapters.listing_keys import key_range, listing_key, order_id_of, window_bounds
from services.orders.domain.model import Booking, HistoryEntry, Order, OrderNotFound, Rejection
from services.orders.domain.shippers import Shipper, ShipperKey
from services.orders.webhooks.adapters.queue import WEBHOOK_QUEUE
from shared.batch.ports import Write
from shared.batch.writer import OutboxWriter
from shared.errors import ConcurrencyConflict
from shared.events.envelope import CloudEvent
from shared.mongo.client import IndexSpec
from shared.mongo.documents import OUTBOX, AlreadyExists, Document, VersionedCollection, with_events
from shared.mongo.outbox import outbox_index

ORDERS, SHIPPERS, API_KEYS = "orders", "shippers", "api_keys"
ORDER_QUEUES = (OUTBOX, WEBHOOK_QUEUE)
STATUS_FILTER_BATCH = 100  # listing entries read at a time when a status filter may skip most of them
# How far past its own clock a listing looks for orders (placed by a process whose clock runs ahead). A bound
# near now, not "the shipper's last key", is what lets FerretDB narrow the first window through its index.
CLOCK_SKEW = timedelta(minutes=1)
INDEXES = (
    outbox_index(ORDERS),
    outbox_index(SHIPPERS),
    IndexSpec(ORDERS, ((WEBHOOK_QUEUE.flag, 1),)),
)


class OrderExists(Exception):
    """An order with this id is stored already (a retried Idempotency-Key)."""


@dataclass(frozen=True)
class OrderQuery:
    """One page of a shipper's orders, newest first; `after` is the (created_at, id) of the last one seen."""

    shipper_id: str
    limit: int = 20
    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    after: tuple[datetime, str] | None = None


class OrderRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, order_id: str) -> Order | None: ...

    @abc.abstractmethod
    def add(self, order: Order, events: Sequence[CloudEvent]) -> None:
        """Store a new order with its events; raises OrderExists if the id is taken."""

    @abc.abstractmethod
    def save(self, order: Order, events: Sequence[CloudEvent]) -> None:
        """Store a loaded order with its events; raises ConcurrencyConflict if it changed meanwhile."""

    @abc.abstractmethod
    def page(self, query: OrderQuery) -> list[Order]: ...

    def get_for(self, shipper_id: str, order_id: str) -> Order:
        """The shipper's order; another shipper's is as unknown as a missing one."""
        order = self.get(order_id)
        if order is None or order.shipper_id != shipper_id:
            raise OrderNotFound(f"no order {order_id}")
        return order


class ShipperRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, shipper: Shipper, events: Sequence[CloudEvent]) -> None:
        """Store a new shipper and make its keys usable."""

    @abc.abstractmethod
    def get(self, shipper_id: str) -> Shipper | None: ...

    @abc.abstractmethod
    def list(self) -> list[Shipper]: ...

    @abc.abstractmethod
    def save(self, shipper: Shipper, events: Sequence[CloudEvent]) -> None:
        """Store a loaded shipper; the key records follow its keys' revocations."""


class MongoOrderRepository(OrderRepository):
    """`add` and `save` publish the order's events right after writing it (see OutboxWriter)."""

    def __init__(self, db: Database, writer: OutboxWriter, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.store = VersionedCollection(db[ORDERS], ORDER_QUEUES)
        self.writer = writer
        self.listing = ListingIndex(db[ORDER_LISTING])
        self.clock = clock
        self._seen: dict[str, Document] = {}  # documents as read, so a save keeps their outbox and version

    def get(self, order_id: str) -> Order | None:
        document = self.store.get(order_id)
        if document is None:
            return None
        self._seen[order_id] = document
        return order_from_document(document)

    def add(self, order: Order, events: Sequence[CloudEvent]) -> None:
        # The listing entry first: a failure in between leaves a stale entry, which readers skip, rather than
        # an order its shipper never sees listed.
        self.listing.add(listing_key(order.shipper_id, order.created_at, order.id))
        written = self.writer.write(ORDERS, Write(order.id, None, new_document(order_document(order), events)))
        if not written.landed:
            raise OrderExists(order.id)
        self._seen[order.id] = written.stored

    def save(self, order: Order, events: Sequence[CloudEvent]) -> None:
        base = self._seen[order.id]
        self._seen[order.id] = saved(self.writer, ORDERS, base, with_events({**base, **order_document(order)}, events))

    def page(self, query: OrderQuery) -> list[Order]:
        """Listing keys by `_id` range, newest first, then their orders by `_id` `$in`, a batch at a time."""
        low, high, batch, bounds = listing_reads(query, self.clock())
        return newest_page(self.listing.newest_first(low, high, batch, bounds), self._orders_by_id, query)

    def backfill_listing(self) -> int:
        """List every stored order that has no listing entry (stored before there were any); how many."""
        return self.listing.backfill(self.store.collection)

    def _orders_by_id(self, order_ids: list[str]) -> dict[str, Order]:
        return {d["_id"]: order_from_document(d) for d in find_by_ids(self.store.collection, order_ids)}


def newest_page(
    batches: Iterable[list[str]], orders_by_id: Callable[[list[str]], dict[str, Order]], query: OrderQuery
) -> list[Order]:
    """Up to `query.limit` orders of the listing keys (batches newest first), read only as far as needed."""
    found: list[Order] = []
    for keys in batches:
        orders = orders_by_id([order_id_of(key) for key in keys])
        found += [order for key in keys if (order := orders.get(order_id_of(key))) and listed(order, key, query)]
        if len(found) >= query.limit:
            break
    return found[: query.limit]


def listing_reads(query: OrderQuery, now: datetime) -> tuple[str, str, int, list[str]]:
    """The key range [low, high) of the query, the keys wanted per batch, and the windows' lower bounds.

    Orders created more than CLOCK_SKEW after `now` are left out (they are listed once that is no longer so).
    """
    horizon = now + CLOCK_SKEW
    created_to = min(query.created_to, horizon) if query.created_to else horizon
    low, high = key_range(query.shipper_id, query.created_from, created_to, query.after)
    newest = min([now, *(t for t in (query.created_to, query.after and query.after[0]) if t)])
    batch = query.limit if query.status is None else max(query.limit, STATUS_FILTER_BATCH)
    return low, high, batch, window_bounds(query.shipper_id, newest)


def listed(order: Order, key: str, query: OrderQuery) -> bool:
    """The entry is the order's own (not stale) and the order passes the filter only the order can answer."""
    own = listing_key(order.shipper_id, order.created_at, order.id) == key
    return own and (query.status is None or order.status == query.status)


def find_by_ids(collection: Collection, ids: Iterable[str]) -> list[Document]:
    """The stored documents among `ids`, in one query (absent ones are left out)."""
    wanted = sorted(set(ids))
    if len(wanted) <= 1:
        return [d for d in (collection.find_one({"_id": wanted[0]}),) if d] if wanted else []
    return list(collection.find({"_id": {"$in": wanted}}))


def new_document(fields: Document, events: Sequence[CloudEvent]) -> Document:
    """A first version of a document, holding its events."""
    return {**with_events(fields, events), "version": 1, "applied_events": []}


def saved(writer: OutboxWriter, collection: str, base: Document, document: Document) -> Document:
    """`document` written over `base` (as read) if nobody wrote it since; raises ConcurrencyConflict otherwise."""
    written = writer.write(collection, Write(base["_id"], base["version"],
                                                      {**document, "version": base["version"] + 1}))
    if not written.landed:
        raise ConcurrencyConflict(f"{collection}/{base['_id']} changed since version {base['version']}")
    return written.stored


def order_document(order: Order) -> Document:
    """The stored fields of an order (outbox, applied events and version are the store's)."""
    return {
        "_id": order.id,
        "shipper_id": order.shipper_id,
        "status": order.status,
        "details": order.details,
        "fingerprint": order.fingerprint,
        "idempotency_key": order.idempotency_key,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "history": [asdict(entry) for entry in order.history],
        "booking": asdict(order.booking) if order.booking else None,
        "rejection": asdict(order.rejection) if order.rejection else None,
        "cancellation_reason": order.cancellation_reason,
        "cancellation_refused_reason": order.cancellation_refused_reason,
        "parcel_status": order.parcel_status,
        "parcel_seen_at": order.parcel_seen_at,
        "physically_scanned": order.physically_scanned,
    }


def order_from_document(document: Document) -> Order:
    return Order(
        id=document["_id"],
        shipper_id=document["shipper_id"],
        details=document["details"],
        fingerprint=document["fingerprint"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        status=document["status"],
        history=[HistoryEntry(**entry) for entry in document["history"]],
        idempotency_key=document.get("idempotency_key"),
        booking=Booking(**document["booking"]) if document.get("booking") else None,
        rejection=Rejection(**document["rejection"]) if document.get("rejection") else None,
        cancellation_reason=document.get("cancellation_reason"),
        cancellation_refused_reason=document.get("cancellation_refused_reason"),
        parcel_status=document.get("parcel_status"),
        parcel_seen_at=document.get("parcel_seen_at"),
        physically_scanned=bool(document.get("physically_scanned")),
        version=document.get("version", 0),
    )


class MongoShipperRepository(ShipperRepository):
    """Shipper documents plus `api_keys` (`_id` = key hash), the collection every request reads."""

    def __init__(self, db: Database, writer: OutboxWriter):
        self.store = VersionedCollection(db[SHIPPERS])
        self.writer = writer
        self.keys = db[API_KEYS]
        self._seen: dict[str, Document] = {}

    def add(self, shipper: Shipper, events: Sequence[CloudEvent]) -> None:
        # Key records first: once the shipper (and its key_issued event) exists, its key works here too.
        self.keys.insert_many([key_record(shipper.id, key) for key in shipper.keys])
        written = self.writer.write(SHIPPERS, Write(shipper.id, None, new_document(shipper_document(shipper), events)))
        if not written.landed:
            raise AlreadyExists(f"{SHIPPERS}/{shipper.id}")
        self._seen[shipper.id] = written.stored

    def get(self, shipper_id: str) -> Shipper | None:
        document = self.store.get(shipper_id)
        if document is None:
            return None
        self._seen[shipper_id] = document
        return shipper_from_document(document)

    def list(self) -> list[Shipper]:
        return [shipper_from_document(d) for d in self.store.collection.find({}).sort("created_at", 1)]

    def save(self, shipper: Shipper, events: Sequence[CloudEvent]) -> None:
        # Deny here first: a crash before the shipper write leaves the key refused locally, and a
        # repeated revoke re-emits the events for keys the shipper document still shows active.
        for key in shipper.keys:
            self.keys.update_one({"_id": key.key_hash}, {"$set": {"revoked": key.revoked_at is not None}})
        base = self._seen[shipper.id]
        changed = with_events({**base, **shipper_document(shipper)}, events)
        self._seen[shipper.id] = saved(self.writer, SHIPPERS, base, changed)


def key_record(shipper_id: str, key: ShipperKey) -> Document:
    return {"_id": key.key_hash, "shipper_id": shipper_id, "key_id": key.key_id,
            "issued_at": key.issued_at, "revoked": key.revoked_at is not None}


def shipper_document(shipper: Shipper) -> Document:
    return {
        "_id": shipper.id,
        "name": shipper.name,
        "created_at": shipper.created_at,
        "revoked_at": shipper.revoked_at,
        "keys": [asdict(key) for key in shipper.keys],
    }


def shipper_from_document(document: Document) -> Shipper:
    return Shipper(
        id=document["_id"],
        name=document["name"],
        created_at=document["created_at"],
        keys=[ShipperKey(**key) for key in document["keys"]],
        revoked_at=document.get("revoked_at"),
    )
