"""The console's read model of the pipeline: parcels, orders, number aliases, exceptions, unmapped codes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo.database import Database

from services.console.domain.pipeline import Document, new_parcel, when
from shared.batch.routes import Codec
from shared.mongo.documents import AlreadyExists, VersionedCollection

PARCELS = "parcels"
ORDERS = "orders"
ALIASES = "aliases"
EXCEPTIONS = "exceptions"
UNMAPPED = "unmapped"
SUMMARY_FIELDS = {"trace": 0, "scan_ms": 0, "applied_events": 0, "outbox": 0}


class MongoReadModel:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.parcels = VersionedCollection(db[PARCELS])
        self.orders = VersionedCollection(db[ORDERS])

    def change_parcel(self, shipment_id: str, event_id: str, change: Callable[[Document], Document]) -> bool:
        """Apply `change` once per event id (the check and the change in one write); creates the parcel.

        One document at a time: for seeding (the browser tests); the consumer writes a poll at a time.
        """
        return _apply(self.parcels, new_parcel(shipment_id), event_id, change)

    def order(self, order_id: str) -> Document | None:
        return _decoded(self.orders.get(order_id))

    def parcel(self, shipment_id: str) -> Document | None:
        return _decoded(self.parcels.get(shipment_id))

    def resolve(self, number: str) -> str | None:
        """The shipment id any parcel number (JV number, SF waybill, UPS 1Z, order id) stands for."""
        cleaned = number.strip().upper().replace(" ", "")
        doc = self.db[ALIASES].find_one({"_id": cleaned}) or self.db[ALIASES].find_one({"_id": number.strip()})
        return doc["shipment_id"] if doc else None

    def all_parcels(self) -> list[Document]:
        return list(self.db[PARCELS].find({}, SUMMARY_FIELDS))

    def open_orders(self) -> list[Document]:
        """Orders with no shipment (waiting, refused or cancelled before booking): the funnel's side stages."""
        return list(self.db[ORDERS].find({"stage": {"$in": ["order_created", "booking_failed", "cancelled"]}},
                                         SUMMARY_FIELDS))

    def rows(self, collection: str, since: datetime | None = None, limit: int = 5000) -> list[dict[str, Any]]:
        query = {"at": {"$gte": since}} if since else {}
        return list(self.db[collection].find(query).limit(limit))


def _apply(collection: VersionedCollection, blank: Document, event_id: str,
           change: Callable[[Document], Document]) -> bool:
    def stored_change(document: Document) -> Document:
        return _encoded(change(_decoded(document)))

    try:
        return collection.apply_once(blank["_id"], event_id, stored_change)
    except LookupError:
        with contextlib.suppress(AlreadyExists):
            collection.insert(_encoded(blank))
        return collection.apply_once(blank["_id"], event_id, stored_change)


# The trace (up to TRACE_KEEP entries) is stored as one JSON string: FerretDB converts every field it reads
# or writes, and the trace is most of a parcel's fields, rewritten on every event (the same measured reason
# as the tracking timeline, see services/tracking/adapters/timeline_codec.py). Nothing queries inside it.
def _encoded(document: Document) -> Document:
    trace = document.get("trace")
    if not isinstance(trace, list):
        return document
    entries = [{**entry, "at": _iso(entry.get("at"))} for entry in trace]
    return {**document, "trace": json.dumps(entries, ensure_ascii=False, separators=(",", ":"))}


def _decoded(document: Document | None) -> Document | None:
    if document is None or not isinstance(document.get("trace"), str):
        return document  # none, or written before the trace was a string
    entries = json.loads(document["trace"])
    return {**document, "trace": [{**entry, "at": when(entry.get("at"))} for entry in entries]}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# What the batch unit loads and dumps: parcels and orders alike, the trace as one JSON string when stored.
TRACE_CODEC: Codec[Document] = Codec(load=_decoded, dump=_encoded)
