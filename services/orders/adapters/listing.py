"""A shipper's orders by time as `_id` ranges: the `shipper_orders` collection, one entry per order.

FerretDB answers only `_id` queries from an index, so a listing reads this small collection, whose `_id` sorts
like (shipper, created_at, order id) (listing_keys.py): a shipper's page is an `_id` range read newest first,
and the page's orders are then one `_id` `$in` read.

An entry is written before its order. An entry whose order is missing (a placement that failed after it) or
was placed at another time (a retried Idempotency-Key re-placed at a later instant) is stale: readers skip it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.orders.adapters.listing_keys import listing_key, newest_first

ORDER_LISTING = "shipper_orders"
DUPLICATE_KEY = 11000


class ListingIndex:
    """The entries of `shipper_orders` (`_id` only: everything else is read from the order itself)."""

    def __init__(self, collection: Collection):
        self.collection = collection

    def add(self, key: str) -> None:
        """Write the entry; one already there (a concurrent retry at the same instant) is as good."""
        with contextlib.suppress(DuplicateKeyError):
            self.collection.insert_one({"_id": key})

    def newest_first(self, low: str, high: str, batch: int, bounds: Sequence[str] = ()) -> Iterator[list[str]]:
        """The keys in [low, high), newest first, `batch` at a time, read window by window (see listing_keys)."""
        return newest_first(self._read, low, high, batch, bounds)

    def _read(self, lower: str, upper: str, limit: int) -> list[str]:
        found = self.collection.find({"_id": {"$gte": lower, "$lt": upper}}, {"_id": 1}).sort("_id", -1)
        return [document["_id"] for document in found.limit(limit)]

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
