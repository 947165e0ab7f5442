"""Where shipments live: the read port the API uses, the consumer's codecs, and the replicated API keys.

Collections (each `_id` is the natural key, the only fast lookup on FerretDB):
- `shipments`: `_id` = shipment id, a hash of the order id (so a redelivered `order.placed` names the
  shipment already booked); unique indexes on order_id (one shipment per order, whatever its id) and on
  both carrier numbers (a drawn number that is taken fails the insert, and the booking is drawn again);
  embedded outbox; written by the consumer's batch unit (shared/batch), guarded by version.
- `bookings`: `_id` = order id; the orders refused, each with its `shipment.booking_failed` in its outbox.
- `api_keys`: `_id` = SHA-256 of a shipper API key, replicated from `shippers.v1`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from pydantic import TypeAdapter
from pymongo import InsertOne, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from services.shipping.domain.model import Refusal, Shipment
from shared.batch.mongo_store import UPDATE_CHUNK
from shared.batch.routes import Codec
from shared.mongo.client import IndexSpec
from shared.mongo.documents import Document
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
DUPLICATE_KEY = 11000
# Fields of a stored document that belong to the store, not to the aggregate.
_STORE_FIELDS = ("_id", "version", "outbox", "outbox_pending", "applied_events", "outcome")

_SHIPMENT = TypeAdapter(Shipment)
_REFUSAL = TypeAdapter(Refusal)


def shipment_fields(shipment: Shipment) -> Document:
    """JSON-compatible fields: Decimals and dates as strings survive any MongoDB-compatible store exactly."""
    return _SHIPMENT.dump_python(shipment, mode="json")


def shipment_from(document: Document) -> Shipment:
    return _SHIPMENT.validate_python(_own_fields(document))


def refusal_fields(refusal: Refusal) -> Document:
    return {"outcome": "refused", **_REFUSAL.dump_python(refusal, mode="json")}


def refusal_from(document: Document) -> Refusal:
    return _REFUSAL.validate_python(_own_fields(document))


def _own_fields(document: Document) -> Document:
    return {k: v for k, v in document.items() if k not in _STORE_FIELDS}


SHIPMENT_CODEC = Codec(load=shipment_from, dump=shipment_fields)
REFUSAL_CODEC = Codec(load=refusal_from, dump=refusal_fields)


class ShipmentRepository(ABC):
    """Shipments as readers see them; the consumer writes them through a batch unit (SHIPMENT_CODEC)."""

    @abstractmethod
    def get(self, shipment_id: str) -> Shipment | None: ...


class KeyRegistry(ABC):
    """The replica of shipper API key hashes that bearer authentication reads."""

    @abstractmethod
    def register(self, keys: Sequence[tuple[str, str, str]]) -> None:
        """Each (key hash, shipper id, key id) known, in one write; a key known (or revoked) already is kept."""

    @abstractmethod
    def revoke(self, keys: Sequence[tuple[str, str, str]]) -> None:
        """Each (key hash, shipper id, key id) revoked for good, in one write (also if never registered)."""


class MongoShipmentRepository(ShipmentRepository):
    """`database` is called on each use so that a forked worker gets its own client (see client_for)."""

    def __init__(self, database: Callable[[], Database]):
        self._database = database

    def get(self, shipment_id: str) -> Shipment | None:
        document = self._database()[SHIPMENTS].find_one({"_id": shipment_id})
        return None if document is None else shipment_from(document)


class MongoKeyRegistry(KeyRegistry):
    def __init__(self, database: Callable[[], Database]):
        self._database = database

    @property
    def collection(self) -> Collection:
        return self._database()[API_KEYS]

    def register(self, keys: Sequence[tuple[str, str, str]]) -> None:
        # An insert, never an update: a key revoked before this (replayed) issue arrived stays revoked.
        self._bulk([InsertOne({"_id": h, "shipper_id": s, "key_id": k, "revoked": False}) for h, s, k in keys])

    def revoke(self, keys: Sequence[tuple[str, str, str]]) -> None:
        self._bulk([UpdateOne({"_id": h}, {"$set": {"revoked": True},
                                           "$setOnInsert": {"shipper_id": s, "key_id": k}}, upsert=True)
                    for h, s, k in keys])

    def _bulk(self, ops: list) -> None:
        """Unordered, in chunks FerretDB answers (see UPDATE_CHUNK); a key stored already is not an error."""
        for start in range(0, len(ops), UPDATE_CHUNK):
            try:
                self.collection.bulk_write(ops[start:start + UPDATE_CHUNK], ordered=False)
            except BulkWriteError as exc:
                if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
                    raise
