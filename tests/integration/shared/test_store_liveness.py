"""The store never stalls: a large unordered bulk of version-guarded replaces, sent while other clients read and
write the same documents, completes within seconds (FerretDB's write-lock patch once deadlocked it for good)."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pymongo import MongoClient, ReplaceOne
from pymongo.collection import Collection
from pymongo.database import Database

from ops.registry import settings_of

pytestmark = pytest.mark.integration

DOCUMENTS = 300
GUARDED_REPLACES = 200  # the old lock hung once ~100 statements of one command matched
WORKERS = 8
BOUND_S = 20.0  # the fixed store does this in well under a second; the old one never finished
SOCKET_TIMEOUT_S = BOUND_S + 10  # later than BOUND_S, so a stall is reported as one, not as a timeout


@pytest.fixture
def bounded_db() -> Iterator[Database]:
    """A throwaway database on a client whose calls time out, so a stalled store fails the test, not hangs it."""
    uri = settings_of("orders").mongo.uri
    client: MongoClient = MongoClient(uri, socketTimeoutMS=int(SOCKET_TIMEOUT_S * 1000), serverSelectionTimeoutMS=5_000)
    name = f"parcelbridge_test_{uuid.uuid4().hex[:12]}"
    yield client[name]
    client.drop_database(name)
    client.close()


@dataclass
class Tally:
    """Successful guarded writes and errors, shared by the threads."""

    wins: int = 0
    reads: int = 0
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, wins: int = 0, reads: int = 0) -> None:
        with self.lock:
            self.wins += wins
            self.reads += reads


def _guarded_replace(coll: Collection, doc: dict, by: str) -> bool:
    replacement = {**doc, "version": doc["version"] + 1, "by": by}
    return coll.replace_one({"_id": doc["_id"], "version": doc["version"]}, replacement).matched_count == 1


def _worker(coll: Collection, ids: list[str], start: threading.Barrier, stop: threading.Event, tally: Tally) -> None:
    rng = random.Random()
    start.wait()
    try:
        while not stop.is_set():
            doc = coll.find_one({"_id": rng.choice(ids)})
            assert doc is not None
            tally.add(wins=int(_guarded_replace(coll, doc, "worker")), reads=1)
    except BaseException as error:  # handed to the test thread, which fails with it
        tally.errors.append(error)


def _bulk(coll: Collection, ids: list[str], start: threading.Barrier, tally: Tally) -> None:
    start.wait()
    try:
        docs = list(coll.find({"_id": {"$in": ids}}))
        requests = [ReplaceOne({"_id": d["_id"], "version": d["version"]},
                               {**d, "version": d["version"] + 1, "by": "bulk"}) for d in docs]
        tally.add(wins=coll.bulk_write(requests, ordered=False).modified_count)
    except BaseException as error:  # handed to the test thread, which fails with it
        tally.errors.append(error)


def test_a_large_unordered_bulk_of_guarded_replaces_completes_amid_readers_and_writers(bounded_db):
    coll = bounded_db["liveness"]
    ids = [f"doc{n:04d}" for n in range(DOCUMENTS)]
    coll.insert_many([{"_id": doc_id, "version": 0, "payload": "x" * 200} for doc_id in ids])
    tally, stop = Tally(), threading.Event()
    start = threading.Barrier(WORKERS + 1)
    workers = [threading.Thread(target=_worker, args=(coll, ids, start, stop, tally), daemon=True)
               for _ in range(WORKERS)]
    bulk = threading.Thread(target=_bulk, args=(coll, ids[:GUARDED_REPLACES], start, tally), daemon=True)
    for thread in [*workers, bulk]:
        thread.start()

    began = time.monotonic()
    bulk.join(BOUND_S)
    took, stalled = time.monotonic() - began, bulk.is_alive()
    stop.set()
    for thread in workers:
        thread.join(SOCKET_TIMEOUT_S)

    assert not stalled, f"the bulk write of {GUARDED_REPLACES} guarded replaces stalled for {BOUND_S}s"
    assert not any(t.is_alive() for t in workers), "readers and writers stalled after the bulk write finished"
    assert tally.errors == [], f"store calls failed (a timeout means the store stalled): {tally.errors[:3]}"
    assert tally.reads > 0
    # Every replace bumps the version it matched by one, so the versions add up to the successful writes:
    # a lost compare-and-swap (two winners of one version) would leave the sum short.
    total_versions = sum(d["version"] for d in coll.find({}, {"version": 1}))
    assert total_versions == tally.wins, f"{tally.wins} successful writes but versions add up to {total_versions}"
    print(f"bulk took {took:.2f}s beside {tally.reads} worker read/replace rounds")


def test_one_command_of_150_matching_guarded_replaces_completes_on_its_own(bounded_db):
    """Upstream FerretDB kept each statement's read open until the command ended: 100 matches took the pool."""
    coll = bounded_db["solo"]
    coll.insert_many([{"_id": f"doc{n:03d}", "version": 0} for n in range(150)])

    result = coll.bulk_write([ReplaceOne({"_id": f"doc{n:03d}", "version": 0}, {"version": 1}) for n in range(150)],
                             ordered=False)

    assert result.modified_count == 150
    assert coll.count_documents({"version": 1}) == 150
