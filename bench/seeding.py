"""Bulk loading of seeded trackers (see seed_trackers.py) straight into the bench stack's tracking store.

Building a tracker through the domain costs about a millisecond of Python, so one worker process per core
builds and inserts its own chunks (`insert_many`: trackers first, then their aliases, the order the
consumer keeps). Spawned, not forked: the parent runs threads (progress bar, clients) that a fork would copy
mid-flight.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from bench.seed_trackers import Numbers, fresh_numbers, seeded_tracker, stored_documents
from bench.stack import Bench
from services.tracking.adapters.repository import ALIASES, TRACKERS
from shared.events.schemas.shipments import ShipmentBooked

CHUNK = 500  # trackers per insert_many (~6 MB of documents)
_worker: dict[str, Any] = {}  # per worker process: its database, the template, the common "now"


def seed(bench: Bench, template: ShipmentBooked, count: int, seed_value: int,
         advance: Callable[[int], None]) -> dict[str, Any]:
    """Store `count` more trackers with their aliases; how long it took (numbers drawn before the clock)."""
    if count <= 0:
        return {"trackers": 0, "seconds": 0.0, "trackers_per_s": 0.0, "processes": 0, "chunk": CHUNK}
    database = bench.tracking_db()
    taken = {document["_id"] for document in database[ALIASES].find({}, {"_id": 1})}
    numbers = fresh_numbers(count, taken, random.Random(seed_value))
    chunks = [(numbers[start:start + CHUNK], seed_value + start) for start in range(0, count, CHUNK)]
    processes = max(1, min(os.cpu_count() or 1, len(chunks)))
    setup = (bench.stack.mongodb, database.name, template.model_dump(mode="json"), datetime.now(UTC))
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes, _start_worker, setup) as pool:
        for stored in pool.imap_unordered(_store_chunk, chunks):
            advance(stored)
    seconds = time.perf_counter() - began
    return {"trackers": count, "seconds": round(seconds, 1), "trackers_per_s": round(count / seconds, 1),
            "processes": processes, "chunk": CHUNK}


def stored_trackers(database: Database) -> dict[str, int]:
    """Trackers and aliases in the store, as the store counts them.

    `collStats`, not `count_documents`: FerretDB reads every document for the latter (~40 s for 100,000
    trackers here) but counts the table's rows for the former (a third of a second); its `count` command
    (pymongo's estimated_document_count) drops the connection on FerretDB 1.24.
    """
    return {name: database.command("collStats", collection)["count"]
            for name, collection in (("trackers", TRACKERS), ("aliases", ALIASES))}


def _start_worker(uri: str, database: str, template: dict[str, Any], now: datetime) -> None:
    _worker.update(database=MongoClient(uri, tz_aware=True)[database],
                   template=ShipmentBooked.model_validate(template), now=now)


def _store_chunk(chunk: tuple[list[Numbers], int]) -> int:
    numbers, chunk_seed = chunk
    rng = random.Random(chunk_seed)
    built = [stored_documents(seeded_tracker(_worker["template"], n, rng, _worker["now"])) for n in numbers]
    database: Database = _worker["database"]
    database[TRACKERS].insert_many([tracker for tracker, _aliases in built], ordered=False)
    database[ALIASES].insert_many([alias for _tracker, aliases in built for alias in aliases], ordered=False)
    return len(built)
