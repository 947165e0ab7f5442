"""What the reconciliation poller reads of the trackers, and its own record of whom it asked about when.

Per pass: one query on `trackers` (filtered on the indexed `settled`/`quiet_since`, only the fields the poller
needs, walked in `(quiet_since, _id)` order from where the last pass stopped, with a limit), one `_id` `$in`
on `recon_polls`, and one unordered bulk write of the polls made. The walk means a backlog larger than a
pass's limit is worked through in turn: trackers asked about recently can never hog the limit.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from datetime import datetime

from pymongo import ASCENDING, ReplaceOne
from pymongo.database import Database

from services.tracking.adapters.repository import POLLS, TRACKERS, find_by_ids
from services.tracking.domain.reconciliation import Quiet
from shared.events.schemas.vocabulary import Leg

Cursor = tuple[datetime, str]  # (quiet_since, shipment id) of the last tracker a pass read
FIELDS = {"sf_waybill": 1, "ups_tracking_number": 1, "leg": 1, "quiet_since": 1, "settled": 1}


class ReconciliationStore(abc.ABC):
    @abc.abstractmethod
    def quiet(self, cutoffs: Mapping[Leg | None, datetime], after: Cursor | None, limit: int) -> list[Quiet]:
        """Unsettled trackers silent since their leg's cutoff, in (quiet_since, _id) order after `after`."""

    @abc.abstractmethod
    def polled(self, shipment_ids: Iterable[str]) -> dict[str, datetime]:
        """shipment id -> when it was last polled, for those polled at all."""

    @abc.abstractmethod
    def record_polls(self, shipment_ids: Iterable[str], at: datetime) -> None: ...

    @abc.abstractmethod
    def forget_polls(self, before: datetime) -> int:
        """Delete polls older than `before` (they no longer hold anyone back); returns how many."""


class MongoReconciliationStore(ReconciliationStore):
    def __init__(self, db: Database):
        self.trackers, self.polls = db[TRACKERS], db[POLLS]

    def quiet(self, cutoffs: Mapping[Leg | None, datetime], after: Cursor | None, limit: int) -> list[Quiet]:
        clauses: list[dict] = [{"settled": False},
                               {"$or": [{"leg": leg, "quiet_since": {"$lte": at}} for leg, at in cutoffs.items()]}]
        if after is not None:
            clauses.append({"$or": [{"quiet_since": {"$gt": after[0]}},
                                    {"quiet_since": after[0], "_id": {"$gt": after[1]}}]})
        found = (self.trackers.find({"$and": clauses}, FIELDS)
                 .sort([("quiet_since", ASCENDING), ("_id", ASCENDING)]).limit(limit))
        return [Quiet(d["_id"], d["sf_waybill"], d["ups_tracking_number"], d.get("leg"), d["quiet_since"],
                      d["settled"]) for d in found]

    def polled(self, shipment_ids: Iterable[str]) -> dict[str, datetime]:
        return {d["_id"]: d["polled_at"] for d in find_by_ids(self.polls, shipment_ids)}

    def record_polls(self, shipment_ids: Iterable[str], at: datetime) -> None:
        writes = [ReplaceOne({"_id": s}, {"polled_at": at}, upsert=True) for s in dict.fromkeys(shipment_ids)]
        if writes:
            self.polls.bulk_write(writes, ordered=False)

    def forget_polls(self, before: datetime) -> int:
        return self.polls.delete_many({"polled_at": {"$lt": before}}).deleted_count
