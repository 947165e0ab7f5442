"""Where shipments live: the port the handlers use and its MongoDB implementation.

Collections (each `_id` is the natural key, the only fast lookup on FerretDB):
- `shipments`: `_id` = shipment id; unique indexes on order_id (one shipment per order, which is how a
  redelivered `order.placed` is detected) and on both carrier numbers (a generated number that collides is
  detected the same way); embedded outbox.
- `bookings`: `_id` = order id; what became of each order (booked -> shipment id, or refused -> reason), so a
  cancellation finds its shipment by `_id`, and a refusal (and its event) is stored exactly once.
- `api_keys`: `_id` = SHA-256 of a shipper API key, replicated from `shippers.v1`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.shipping.domain.model import Refusal, Shipment
from shared.events.envelope import CloudEvent
from shared.mongo.client import IndexSpec
from shared.mongo.documents import AlreadyExists, Document, VersionedCollection, with_events
from shared.mongo.outbox import outbox_index

SHIPMENTS = "shipments"
BOOKINGS = "bookings"
API_KEYS = "api_keys"
OUTBOX_COLLECTIONS = (SHIPMENTS, BOOKINGS)
INDEXES = (
    IndexSpec(SHIPMENTS, (("order_id", 1),), unique=True),
    IndexSpec(SHIPMENTS, (("sf_waybill", 1),), unique=True),
    IndexSpec(SHIPMENTS, (("ups_tracking_number", 1),), unique=True),
    outbox_index(SHIPMENTS),
    outbox_index(BOOKINGS),
)
# Fields of a stored document that belong to the store, not to the shipment.
_STORE_FIELDS = ("_id", "version", "outbox", "outbox_pending", "applied_events")

Change = Callable[[Shipment], tuple[Shipment, Sequence[CloudEvent]]]


class NumberTaken(Exception):
    """A freshly generated number already belongs to another shipment: renumber and add again."""


class ShipmentRepository(ABC):
    @abstractmethod
    def add(self, shipment: Shipment, events: Sequence[CloudEvent]) -> bool:
        """Store a new shipment with its events; False (nothing stored) if its order already has one."""

    @abstractmethod
    def add_refusal(self, refusal: Refusal, events: Sequence[CloudEvent]) -> bool:
        """Store a refused order with its events; False (nothing stored) if the order was seen before."""

    @abstractmethod
    def order_seen(self, order_id: str) -> bool:
        """True once the order was booked or refused."""

    @abstractmethod
    def shipment_id_for_order(self, order_id: str) -> str | None:
        """The order's shipment id; None for a refused or unknown order."""

    @abstractmethod
    def get(self, shipment_id: str) -> Shipment | None: ...

    @abstractmethod
    def update(self, shipment_id: str, event_id: str, change: Change) -> bool:
        """Apply `change` and store its events in one write, unless `event_id` was applied; False if it was."""


class KeyRegistry(ABC):
    """The replica of shipper API key hashes that bearer authentication reads."""

    @abstractmethod
    def register(self, key_hash: str, shipper_id: str, key_id: str) -> None: ...

    @abstractmethod
    def revoke(self, key_hash: str, shipper_id: str, key_id: str) -> None: ...


_SHIPMENT = TypeAdapter(Shipment)
_REFUSAL = TypeAdapter(Refusal)


def shipment_fields(shipment: Shipment) -> Document:
    """JSON-compatible fields: Decimals and dates as strings survive any MongoDB-compatible store exactly."""
    return _SHIPMENT.dump_python(shipment, mode="json")


def shipment_from(document: Document) -> Shipment:
    return _SHIPMENT.validate_python({k: v for k, v in document.items() if k not in _STORE_FIELDS})


class MongoShipmentRepository(ShipmentRepository):
    """`database` is called on each use so that a forked worker gets its own client (see client_for)."""

    def __init__(self, database: Callable[[], Database]):
        self._database = database

    def _store(self, name: str) -> VersionedCollection:
        return VersionedCollection(self._database()[name])

    def add(self, shipment: Shipment, events: Sequence[CloudEvent]) -> bool:
        document = with_events({"_id": shipment.shipment_id, **shipment_fields(shipment)}, events)
        try:
            self._store(SHIPMENTS).insert(document)
        except AlreadyExists:
            # The store does not say which unique key clashed: the order's own shipment, or a number.
            existing = self._find_by_order(shipment.order_id)
            if existing is None:
                raise NumberTaken(shipment.shipment_id) from None
            self._record_booked(shipment.order_id, shipment.shipper_id, existing)
            return False
        self._record_booked(shipment.order_id, shipment.shipper_id, shipment.shipment_id)
        return True

    def _record_booked(self, order_id: str, shipper_id: str, shipment_id: str) -> None:
        # Written after the shipment, so a crash in between is repaired by the redelivery's duplicate path.
        record = {"_id": order_id, "outcome": "booked", "shipper_id": shipper_id, "shipment_id": shipment_id}
        try:
            self._store(BOOKINGS).insert(record)
        except AlreadyExists:
            return

    def add_refusal(self, refusal: Refusal, events: Sequence[CloudEvent]) -> bool:
        record = {"_id": refusal.order_id, "outcome": "refused", **_REFUSAL.dump_python(refusal, mode="json")}
        try:
            self._store(BOOKINGS).insert(with_events(record, events))
        except AlreadyExists:
            return False
        return True

    def order_seen(self, order_id: str) -> bool:
        return self._store(BOOKINGS).get(order_id) is not None

    def shipment_id_for_order(self, order_id: str) -> str | None:
        record = self._store(BOOKINGS).get(order_id)
        if record is not None:
            return record.get("shipment_id")
        # No record yet: the booking may have crashed between its two writes.
        return self._find_by_order(order_id)

    def _find_by_order(self, order_id: str) -> str | None:
        found = self._database()[SHIPMENTS].find_one({"order_id": order_id}, {"_id": 1})
        return None if found is None else str(found["_id"])

    def get(self, shipment_id: str) -> Shipment | None:
        document = self._store(SHIPMENTS).get(shipment_id)
        return None if document is None else shipment_from(document)

    def update(self, shipment_id: str, event_id: str, change: Change) -> bool:
        def apply(document: Document) -> Document:
            shipment, events = change(shipment_from(document))
            return with_events({**document, **shipment_fields(shipment)}, events)

        return self._store(SHIPMENTS).apply_once(shipment_id, event_id, apply)


class MongoKeyRegistry(KeyRegistry):
    def __init__(self, database: Callable[[], Database]):
        self._database = database

    @property
    def collection(self) -> Collection:
        return self._database()[API_KEYS]

    def register(self, key_hash: str, shipper_id: str, key_id: str) -> None:
        record: dict[str, Any] = {"_id": key_hash, "shipper_id": shipper_id, "key_id": key_id, "revoked": False}
        try:
            self.collection.insert_one(record)
        except DuplicateKeyError:
            # Known already, or revoked before this (replayed) issue arrived: a revocation must stand.
            return

    def revoke(self, key_hash: str, shipper_id: str, key_id: str) -> None:
        self.collection.update_one(
            {"_id": key_hash},
            {"$set": {"revoked": True}, "$setOnInsert": {"shipper_id": shipper_id, "key_id": key_id}},
            upsert=True,
        )
