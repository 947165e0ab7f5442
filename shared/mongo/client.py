"""MongoDB clients made per process, after gunicorn forks, and the indexes each service declares."""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pymongo
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import PyMongoError

from shared.config import MongoSettings

_clients: dict[tuple[int, str], MongoClient] = {}
HEALTH_COLLECTION = "_health"


def client_for(settings: MongoSettings) -> MongoClient:
    """One client per (process, URI): a forked child never reuses its parent's sockets."""
    key = (os.getpid(), settings.uri)
    client = _clients.get(key)
    if client is None:
        client = MongoClient(
            settings.uri,
            tz_aware=True,
            serverSelectionTimeoutMS=5_000,
            connectTimeoutMS=5_000,
            socketTimeoutMS=int(settings.socket_timeout_s * 1000),
            appname="parcelbridge",
        )
        _clients[key] = client
    return client


@atexit.register
def close_clients() -> None:
    """Close this process's clients (at exit, and after fork in tests that need a clean slate)."""
    for key in [k for k in _clients if k[0] == os.getpid()]:
        _clients.pop(key).close()


def database_for(settings: MongoSettings) -> Database:
    return client_for(settings)[settings.database]


@dataclass(frozen=True)
class IndexSpec:
    collection: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False

    @property
    def name(self) -> str:
        return "_".join(f"{field}_{direction}" for field, direction in self.keys)


def apply_indexes(db: Database, specs: Iterable[IndexSpec]) -> None:
    """Create the declared indexes; idempotent, run at every start."""
    for spec in specs:
        db[spec.collection].create_index(list(spec.keys), name=spec.name, unique=spec.unique)


class IndexedDatabase:
    """The service's database, with its declared indexes applied on first use in each process."""

    def __init__(self, settings: MongoSettings, indexes: Sequence[IndexSpec]) -> None:
        self.settings = settings
        self.indexes = indexes
        self._indexed_in: int | None = None

    def __call__(self) -> Database:
        db = database_for(self.settings)
        if self._indexed_in != os.getpid():
            apply_indexes(db, self.indexes)
            self._indexed_in = os.getpid()
        return db


def store_reachable(db: Database) -> bool:
    """True when the server answers `ping`."""
    try:
        db.client.admin.command("ping")
    except Exception:  # readiness reports, it does not raise
        return False
    return True


def store_round_trip(db: Database, key: str, timeout: float) -> bool:
    """True when the store completes a write (upserting `key` in `_health`) within `timeout` seconds.

    A write, because a store whose writes are stuck still answers `ping` (FerretDB did, for 20 minutes).
    """
    try:
        with pymongo.timeout(timeout):
            db[HEALTH_COLLECTION].replace_one({"_id": key}, {"_id": key, "at": datetime.now(UTC)}, upsert=True)
    except PyMongoError:
        return False
    return True
