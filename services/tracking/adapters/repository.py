"""Trackers, number aliases and parked scans in MongoDB, behind small interfaces the unit tests fake.

Collections (every hot lookup is by `_id`, the only fast one on FerretDB):
- `trackers`: `_id` = shipment id; the timeline embedded as one JSON string (see timeline_codec); an
  embedded outbox of `tracking.status_changed`; written by one consumer per shipment (Kafka key = shipment
  id) through a batch unit (shared/batch), with version-guarded writes.
- `aliases`: `_id` = any of the three numbers -> shipment id. Immutable once written, so a process may
  cache what it resolved.

Reads of several documents are one `_id` `$in` query per collection (the patched FerretDB answers it from its
`_id` index); one document is a plain `_id` find.
- `recon_quiet`: `_id` = `<last carrier event>|<shipment id>` (domain.reconciliation.quiet_key), one small
  immutable document per unsettled tracker: the reconciliation poller's `_id` range read (the only cheap
  non-point read on FerretDB). The consumer replaces a tracker's key after each write (delete the one it
  loaded with, insert the one it wrote); the poller deletes keys it finds stale. Neither ever updates one.
- `recon_polls`: `_id` = shipment id -> when the reconciliation poller last asked a carrier about it. Written
  only by the poller (never the tracker's consumer, so the trackers keep one writer each).
- `parked_scans`: `_id` = `<carrier number>|<scan id>` (a re-parked scan is a duplicate key, not a second
  copy); the scans of numbers nobody booked yet. Found by `_id` prefix range (the `_id` index on MongoDB).
  `parked_at` (indexed) lets the sweeper drop, in one delete, those whose number never appeared.
"""

from __future__ import annotations

import abc
import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from services.tracking.adapters import timeline_codec
from services.tracking.domain.model import Recipient, Tracker, with_progress
from services.tracking.domain.reconciliation import is_settled
from services.tracking.domain.rules import PlannedLeg, Progress
from services.tracking.metrics import READ_CACHE
from shared.batch.routes import Codec
from shared.errors import BusinessRuleViolation
from shared.mongo.client import IndexSpec
from shared.mongo.documents import Document
from shared.mongo.outbox import outbox_index

TRACKERS, ALIASES, PARKED = "trackers", "aliases", "parked_scans"
QUIET, POLLS = "recon_quiet", "recon_polls"
INDEXES = (outbox_index(TRACKERS), IndexSpec(PARKED, (("parked_at", 1),)), IndexSpec(POLLS, (("polled_at", 1),)))
DUPLICATE_KEY = 11000
ALIAS_CACHE_SIZE = 100_000  # numbers per process, first in first out: about 22 MB when full



@dataclass(frozen=True)
class ParkedScan:
    carrier_number: str
    scan_id: str
    data: dict[str, Any]  # `scan.recorded` data without the shipment id (JSON-compatible)
    parked_at: datetime | None  # when ingest parked it (UTC), the sweeper's clock; None: parked by an older version

    @property
    def key(self) -> str:
        return f"{self.carrier_number}|{self.scan_id}"


class TrackerRepository(abc.ABC):
    """Trackers as readers see them; the consumer writes them through a batch unit (TRACKER_CODEC)."""

    @abc.abstractmethod
    def get(self, shipment_id: str) -> Tracker | None: ...

    def get_many(self, shipment_ids: Iterable[str]) -> dict[str, Tracker]:
        """shipment id -> tracker for those stored. This version reads one by one; a store overrides it."""
        found = {shipment_id: self.get(shipment_id) for shipment_id in dict.fromkeys(shipment_ids)}
        return {shipment_id: tracker for shipment_id, tracker in found.items() if tracker is not None}


class AliasRepository(abc.ABC):
    @abc.abstractmethod
    def add_all(self, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
        """Make each (number, shipment id) resolve, in one write; returns number -> owner for numbers stored before.

        A number stored before keeps its owner: the caller refuses a pair whose owner is another shipment.
        """

    def add(self, shipment_id: str, numbers: Iterable[str]) -> None:
        """Make every number resolve to the shipment; a number taken by another shipment is refused."""
        for number, owner in self.add_all([(n, shipment_id) for n in dict.fromkeys(numbers)]).items():
            if owner != shipment_id:
                raise BusinessRuleViolation(f"number {number} already belongs to shipment {owner}")

    @abc.abstractmethod
    def resolve(self, numbers: Iterable[str]) -> dict[str, str]:
        """number -> shipment id for the numbers known; unknown ones are absent."""


class ParkingRepository(abc.ABC):
    @abc.abstractmethod
    def park(self, scans: Sequence[ParkedScan]) -> None:
        """Keep the scans (a scan parked twice is kept once)."""

    @abc.abstractmethod
    def parked_for(self, numbers: Iterable[str]) -> list[ParkedScan]:
        """The scans parked for any of these numbers."""

    @abc.abstractmethod
    def remove(self, scans: Sequence[ParkedScan]) -> None: ...

    @abc.abstractmethod
    def expire(self, parked_before: datetime) -> int:
        """Delete every scan parked before this instant, in one store command; returns how many."""


class MongoTrackerRepository(TrackerRepository):
    def __init__(self, db: Database):
        self.collection = db[TRACKERS]

    def get(self, shipment_id: str) -> Tracker | None:
        document = self.collection.find_one({"_id": shipment_id})
        return tracker_from_document(document) if document else None

    def get_many(self, shipment_ids: Iterable[str]) -> dict[str, Tracker]:
        """One query: a find by `_id` for one tracker, an `_id` `$in` for more."""
        documents = find_by_ids(self.collection, shipment_ids)
        return {document["_id"]: tracker_from_document(document) for document in documents}


class MongoAliasRepository(AliasRepository):
    def __init__(self, db: Database, cache: OrderedDict[str, str] | None = None, cache_size: int = ALIAS_CACHE_SIZE):
        self.collection = db[ALIASES]
        self.cache = cache if cache is not None else OrderedDict()
        self.cache_size = cache_size

    def add_all(self, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
        """All numbers in one round trip; only the numbers already stored are read, in one query."""
        if not pairs:
            return {}
        try:
            self.collection.insert_many([{"_id": n, "shipment_id": s} for n, s in pairs], ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            taken = sorted({pairs[error["index"]][0] for error in errors})
            return {d["_id"]: d["shipment_id"] for d in self.collection.find({"_id": {"$in": taken}})}
        return {}

    def resolve(self, numbers: Iterable[str]) -> dict[str, str]:
        """Cached numbers from memory, the rest in one query; every number counted as a hit or a miss."""
        wanted = set(numbers)
        found = {n: owner for n in wanted if (owner := self.cache.get(n)) is not None}
        missing = wanted - set(found)
        READ_CACHE.labels("alias", "hit").inc(len(found))
        READ_CACHE.labels("alias", "miss").inc(len(missing))
        for document in find_by_ids(self.collection, missing):
            found[document["_id"]] = document["shipment_id"]
            self._remember(document["_id"], document["shipment_id"])
        return found

    def _remember(self, number: str, shipment_id: str) -> None:
        # Safe to cache: an alias never changes once written. Unknown numbers are not cached. Each step is one
        # atomic dict operation, as gthread workers share the cache between threads.
        self.cache.pop(number, None)
        self.cache[number] = shipment_id
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)


class MongoParkingRepository(ParkingRepository):
    def __init__(self, db: Database):
        self.collection = db[PARKED]

    def park(self, scans: Sequence[ParkedScan]) -> None:
        if not scans:
            return
        # `data` as a string: raw carrier JSON may nest arrays, which FerretDB refuses.
        documents = [{"_id": s.key, "carrier_number": s.carrier_number, "scan_id": s.scan_id,
                      "data": json.dumps(s.data), "parked_at": s.parked_at} for s in scans]
        try:
            self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as exc:
            if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
                raise

    def parked_for(self, numbers: Iterable[str]) -> list[ParkedScan]:
        # "|" sorts just before "}", so each range holds exactly the ids starting with "<number>|". One query
        # for every number: FerretDB reads the whole collection for a range, so once rather than per number.
        ranges = [{"_id": {"$gte": f"{number}|", "$lt": f"{number}}}"}} for number in dict.fromkeys(numbers)]
        if not ranges:
            return []
        found = self.collection.find(ranges[0] if len(ranges) == 1 else {"$or": ranges})
        return [ParkedScan(d["carrier_number"], d["scan_id"], json.loads(d["data"]), d.get("parked_at"))
                for d in found]

    def remove(self, scans: Sequence[ParkedScan]) -> None:
        if scans:
            self.collection.delete_many({"_id": {"$in": [s.key for s in scans]}})

    def expire(self, parked_before: datetime) -> int:
        # One bounded command whatever the backlog: the filter is on the indexed `parked_at` (an index MongoDB
        # uses; FerretDB scans, once per sweep interval). Documents parked before this field existed have none
        # and are left alone.
        return self.collection.delete_many({"parked_at": {"$lt": parked_before}}).deleted_count


def find_by_ids(collection: Collection, ids: Iterable[str]) -> list[Document]:
    """The stored documents among `ids`, in one query (absent ones are left out)."""
    wanted = sorted(set(ids))
    if len(wanted) <= 1:
        return [d for d in (collection.find_one({"_id": wanted[0]}),) if d] if wanted else []
    return list(collection.find({"_id": {"$in": wanted}}))


def tracker_document(tracker: Tracker) -> Document:
    """The stored fields of a tracker; status and friends are copied out for operators' queries."""
    state = tracker.state
    return {
        "_id": tracker.shipment_id,
        "order_id": tracker.order_id,
        "shipper_id": tracker.shipper_id,
        "sf_waybill": tracker.sf_waybill,
        "ups_tracking_number": tracker.ups_tracking_number,
        "promised_delivery_date": tracker.promised_delivery_date.isoformat(),
        "plan": [dict(vars(leg)) for leg in tracker.plan],  # shallow: asdict deep-copies every datetime
        "recipient": dict(vars(tracker.recipient)),
        "created_at": tracker.created_at,
        "updated_at": tracker.updated_at,
        "base": progress_document(tracker.base),
        "timeline": timeline_codec.encode(tracker.timeline),
        "omitted": tracker.omitted,
        "next_seq": tracker.next_seq,
        "status": state.status,
        "milestone": state.milestone,
        # What the reconciliation poller needs of a tracker (its `recon_quiet` key, and whether it is due).
        "leg": state.leg,
        "quiet_since": tracker.last_carrier_event_at,
        "quiet_since_before": tracker.stored_quiet_since,
        "settled": is_settled(state.status, state.milestone),
    }


def tracker_from_document(document: Document) -> Tracker:
    return with_progress(Tracker(
        shipment_id=document["_id"],
        order_id=document["order_id"],
        shipper_id=document["shipper_id"],
        sf_waybill=document["sf_waybill"],
        ups_tracking_number=document["ups_tracking_number"],
        promised_delivery_date=date.fromisoformat(document["promised_delivery_date"]),
        plan=[PlannedLeg(**leg) for leg in document["plan"]],
        recipient=Recipient(**document["recipient"]),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        base=progress_from_document(document["base"]),
        timeline=timeline_codec.decode(document["timeline"]),
        omitted=document.get("omitted", 0),
        next_seq=document.get("next_seq", 0),
        stored_quiet_since=document.get("quiet_since"),
    ))


def progress_document(progress: Progress) -> Document:
    fields = dict(vars(progress))
    fields["carrier_eta"] = progress.carrier_eta.isoformat() if progress.carrier_eta else None
    fields["lateness"] = progress.lateness.total_seconds()
    return fields


def progress_from_document(document: Document) -> Progress:
    eta = document.get("carrier_eta")
    return Progress(**{**document, "carrier_eta": date.fromisoformat(eta) if eta else None,
                       "lateness": timedelta(seconds=document.get("lateness", 0))})


TRACKER_CODEC = Codec(load=tracker_from_document, dump=tracker_document)
