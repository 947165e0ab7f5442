"""A shipper's orders by time as `_id` ranges: the `shipper_orders` collection, one entry per order.

FerretDB answers only `_id` queries from an index, so a listing reads this small collection, whose `_id` is
`<shipper id>|<created_at: UTC, to the millisecond, fixed width>|<order id>`: it sorts like (shipper,
created_at, order id), so a shipper's page is one `_id` range read newest first, and the page's orders are
then one `_id` `$in` read.

An entry is written before its order. An entry whose order is missing (a placement that failed after it) or
was placed at another time (a retried Idempotency-Key re-placed at a later instant) is stale: readers skip it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

ORDER_LISTING = "shipper_orders"
DUPLICATE_KEY = 11000
_LOWEST, _HIGHEST = "0000-00-00T00:00:00.000", "9999-99-99T99:99:99.999"  # beyond datetime's range
_AFTER_SEPARATOR = "}"  # sorts just after "|": "<prefix>}" bounds every key starting "<prefix>|"


def sortable_time(moment: datetime, round_up: bool = False) -> str:
    """The instant in UTC to the millisecond (as BSON stores it), fixed width, so strings sort like instants.

    `round_up` gives the first whole millisecond at or after the instant: a lower bound that a stored time
    (always whole milliseconds) passes exactly when it is at or after the instant.
    """
    try:
        if round_up:
            moment += timedelta(microseconds=-moment.microsecond % 1000)
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    except OverflowError:  # year 1 or 9999 with an offset that leaves datetime's range
        return _LOWEST if moment.year < 5000 else _HIGHEST


def listing_key(shipper_id: str, created_at: datetime, order_id: str) -> str:
    return f"{shipper_id}|{sortable_time(created_at)}|{order_id}"


def order_id_of(key: str) -> str:
    return key.rsplit("|", 1)[1]


def key_range(
    shipper_id: str,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    after: tuple[datetime, str] | None = None,
) -> tuple[str, str]:
    """[low, high) holding the shipper's orders created in [created_from, created_to] and before `after`.

    Built only from validated values (a shipper id we issued, datetimes, an id matching its pattern).
    """
    low = f"{shipper_id}|{sortable_time(created_from, round_up=True) if created_from else ''}"
    highs = [f"{shipper_id}{_AFTER_SEPARATOR}"]
    if created_to:
        highs.append(f"{shipper_id}|{sortable_time(created_to)}{_AFTER_SEPARATOR}")
    if after:
        highs.append(listing_key(shipper_id, *after))
    return low, min(highs)


class ListingIndex:
    """The entries of `shipper_orders` (`_id` only: everything else is read from the order itself)."""

    def __init__(self, collection: Collection):
        self.collection = collection

    def add(self, key: str) -> None:
        """Write the entry; one already there (a concurrent retry at the same instant) is as good."""
        with contextlib.suppress(DuplicateKeyError):
            self.collection.insert_one({"_id": key})

    def newest_first(self, low: str, high: str, batch: int) -> Iterator[list[str]]:
        """The keys in [low, high), newest first, `batch` per query, read only as far as the caller goes."""
        while True:
            found = self.collection.find({"_id": {"$gte": low, "$lt": high}}, {"_id": 1}).sort("_id", -1)
            keys = [document["_id"] for document in found.limit(batch)]
            if keys:
                yield keys
            if len(keys) < batch:
                return
            high = keys[-1]

    def backfill(self, orders: Collection, chunk: int = 1000) -> int:
        """Add the entry of every stored order that lacks one; returns how many were added. Idempotent."""
        added, keys = 0, []
        for document in orders.find({}, {"shipper_id": 1, "created_at": 1}):
            keys.append(listing_key(document["shipper_id"], document["created_at"], document["_id"]))
            if len(keys) == chunk:
                added, keys = added + self._insert_new(keys), []
        return added + self._insert_new(keys)

    def _insert_new(self, keys: list[str]) -> int:
        if not keys:
            return 0
        try:
            return len(self.collection.insert_many([{"_id": key} for key in keys], ordered=False).inserted_ids)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            return exc.details.get("nInserted", len(keys) - len(errors))
