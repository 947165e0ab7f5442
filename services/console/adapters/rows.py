"""Insert-once rows of the read model (number aliases, exception and unmapped-code samples), a batch at a time."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from pymongo.database import Database
from pymongo.errors import BulkWriteError

from services.console.domain.pipeline import Document

DUPLICATE_KEY = 11000


class InsertOnce(abc.ABC):
    """Rows keyed by `_id` that never change once written: a row seen again (a redelivery) adds nothing."""

    @abc.abstractmethod
    def add(self, collection: str, rows: Sequence[Document]) -> None:
        """Insert the rows whose `_id` is new, in one command; the first row of an `_id` wins."""


class MongoInsertOnce(InsertOnce):
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, collection: str, rows: Sequence[Document]) -> None:
        unique: dict[str, Document] = {}
        for row in rows:
            unique.setdefault(row["_id"], row)
        if not unique:
            return
        try:
            self.db[collection].insert_many(list(unique.values()), ordered=False)
        except BulkWriteError as exc:  # rows already stored are the point; any other failure is not
            if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
                raise
