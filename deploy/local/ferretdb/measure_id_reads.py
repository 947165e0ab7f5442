"""Time batch reads by _id $in and _id-prefix range reads on a local FerretDB (the figures in docs/architecture.md).

    PYTHONPATH=. .venv/bin/python deploy/local/ferretdb/measure_id_reads.py [--documents N] [--queries N]

Uses a throwaway database on the FerretDB at PARCELBRIDGE_FERRETDB_PORT (default 27018) and drops it after.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid
from collections.abc import Callable

from pymongo import MongoClient
from pymongo.collection import Collection

PREFIXES = 200  # documents are "p{prefix:03d}|{n:06d}", so a prefix range holds documents / 200 of them


def _seed(coll: Collection, documents: int) -> list[str]:
    ids = [f"p{n % PREFIXES:03d}|{n:06d}" for n in range(documents)]
    for start in range(0, documents, 1000):
        coll.insert_many([{"_id": i, "payload": "x" * 200} for i in ids[start:start + 1000]])
    return ids


def _time(label: str, queries: int, query: Callable[[], int]) -> None:
    began = time.perf_counter()
    returned = sum(query() for _ in range(queries))
    took = time.perf_counter() - began
    print(f"{label}: {queries} queries in {took:.2f} s, {took / queries * 1000:.1f} ms each, "
          f"{returned / took:,.0f} documents/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    client: MongoClient = MongoClient(f"mongodb://127.0.0.1:{port}/")
    name = f"parcelbridge_measure_{uuid.uuid4().hex[:8]}"
    coll = client[name]["docs"]
    try:
        ids = _seed(coll, args.documents)
        rng = random.Random(1)
        _time("find _id $in 50 ids", args.queries,
              lambda: len(list(coll.find({"_id": {"$in": rng.sample(ids, 50)}}))))
        _time("find _id prefix range", args.queries, lambda: _prefix_range(coll, rng.randrange(PREFIXES)))
    finally:
        client.drop_database(name)
        client.close()


def _prefix_range(coll: Collection, prefix: int) -> int:
    return len(list(coll.find({"_id": {"$gte": f"p{prefix:03d}|", "$lt": f"p{prefix:03d}}}"}})))


if __name__ == "__main__":
    main()
