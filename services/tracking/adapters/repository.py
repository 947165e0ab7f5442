"""Trackers, number aliases and parked scans in MongoDB, behind small interfaces the unit tests fake.

Collections (every hot lookup is by `_id`, the only fast one on FerretDB):
- `trackers`: `_id` = shipment id; the timeline embedded as one JSON string (see timeline_codec); an
  embedded outbox of `tracking.status_changed`; written by one consumer per shipment (Kafka key = shipment
  id) through a batch unit (shared/batch), with version-guarded writes.
- `aliases`: `_id` = any of the three numbers -> shipment id. Immutable once written, so a process may
  cache what it resolved.
- `parked_scans`: `_id` = `<carrier number>|<scan id>` (a re-parked scan is a duplicate key, not a second
  copy); the scans of numbers nobody booked yet. Found by `_id` prefix range (the `_id` index on MongoDB).
"""

from __future__ import annotations

import abc
import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pymongo.database import Database
from pymongo.errors import BulkWriteError

from services.tracking.adapters import timeline_codec
from services.tracking.domain.model import Recipient, Tracker, with_progress
from services.tracking.domain.rules import PlannedLeg, Progress
from shared.batch.routes import Codec
from shared.errors import BusinessRuleViolation
from shared.mongo.documents import Document
from shared.mongo.outbox import outbox_index

TRACKERS, ALIASES, PARKED = "trackers", "aliases", "parked_scans"
INDEXES = (outbox_index(TRACKERS),)
DUPLICATE_KEY = 11000
LOOKUPS_ONE_BY_ONE = 8  # beyond this many numbers one `$in` query is cheaper (FerretDB scans for it)



@dataclass(frozen=True)
class ParkedScan:
    carrier_number: str
    scan_id: str
    data: dict[str, Any]  # `scan.recorded` data without the shipment id (JSON-compatible)

    @property
    def key(self) -> str:
        return f"{self.carrier_number}|{self.scan_id}"


class TrackerRepository(abc.ABC):
    """Trackers as readers see them; the consumer writes them through a batch unit (TRACKER_CODEC)."""

    @abc.abstractmethod
    def get(self, shipment_id: str) -> Tracker | None: ...


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


class MongoTrackerRepository(TrackerRepository):
    def __init__(self, db: Database):
        self.collection = db[TRACKERS]

    def get(self, shipment_id: str) -> Tracker | None:
        document = self.collection.find_one({"_id": shipment_id})
        return tracker_from_document(document) if document else None


class MongoAliasRepository(AliasRepository):
    def __init__(self, db: Database, cache: OrderedDict[str, str] | None = None, cache_size: int = 100_000):
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
        wanted = set(numbers)
        found = {n: self.cache[n] for n in wanted if n in self.cache}
        missing = sorted(wanted - set(found))
        if len(missing) <= LOOKUPS_ONE_BY_ONE:
            documents = [d for n in missing if (d := self.collection.find_one({"_id": n}))]
        else:
            documents = list(self.collection.find({"_id": {"$in": missing}}))
        for document in documents:
            found[document["_id"]] = document["shipment_id"]
            self._remember(document["_id"], document["shipment_id"])
        return found

    def _remember(self, number: str, shipment_id: str) -> None:
        # Safe to cache: an alias never changes once written. Unknown numbers are not cached.
        self.cache[number] = shipment_id
        self.cache.move_to_end(number)
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)


class MongoParkingRepository(ParkingRepository):
    def __init__(self, db: Database):
        self.collection = db[PARKED]

    def park(self, scans: Sequence[ParkedScan]) -> None:
        if not scans:
            return
        documents = [{"_id": s.key, "carrier_number": s.carrier_number, "scan_id": s.scan_id,
                      "data": json.dumps(s.data)} for s in scans]  # a string: raw carrier JSON may nest arrays
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
        return [ParkedScan(d["carrier_number"], d["scan_id"], json.loads(d["data"])) for d in found]

    def remove(self, scans: Sequence[ParkedScan]) -> None:
        if scans:
            self.collection.delete_many({"_id": {"$in": [s.key for s in scans]}})


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
