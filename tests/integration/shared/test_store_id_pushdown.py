"""_id $in lists and string ranges read through FerretDB's _id index (our id-pushdown patch) return exactly what
the handler's full filter returns: each query is checked against a twin that defeats the pushdown
({"$and": [filter]} hides the top-level _id) and against the answer computed here."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from bson import ObjectId
from pymongo.collection import Collection

pytestmark = pytest.mark.integration

# Characters whose JSON text sorts unlike the string (escaped, below the closing quote, non-ASCII) beside
# ordinary ones, so range bounds are tested where pushing them down is hardest.
ALPHABET = ["a", "b", "p", "|", "}", "~", "P", "0", " ", "!", '"', "\\", "<", "&", "\n", "\u2028", "é", "\x7f"]
OBJECT_IDS = [ObjectId() for _ in range(5)]
NUMBERS = [1, 2.0, 3]


def _words(rng: random.Random, count: int) -> list[str]:
    words = {"".join(rng.choice(ALPHABET) for _ in range(rng.randrange(5))) for _ in range(count)}
    return sorted(words)


@pytest.fixture
def docs(mongo_db) -> tuple[Collection, list[Any]]:
    rng = random.Random(7)
    ids: list[Any] = [*_words(rng, 400), *(f"p{n:02d}|{m:03d}" for n in range(10) for m in range(20)),
                      *OBJECT_IDS, *NUMBERS]
    coll = mongo_db["docs"]
    coll.insert_many([{"_id": doc_id, "n": i % 3} for i, doc_id in enumerate(ids)])
    return coll, ids


def _same_as_without_pushdown(coll: Collection, query: dict, expected: Callable[[Any], bool], ids: list[Any]) -> None:
    pushed = sorted(map(repr, (d["_id"] for d in coll.find(query))))
    scanned = sorted(map(repr, (d["_id"] for d in coll.find({"$and": [query]}))))
    assert pushed == scanned, f"{query!r}: pushed down {len(pushed)} documents, scanned {len(scanned)}"
    assert pushed == sorted(repr(i) for i in ids if expected(i)), query


def _pushed_down(coll: Collection, query: dict) -> bool:
    plan = coll.database.command("explain", {"find": coll.name, "filter": query})
    return plan["filterPushdown"] and "USING INDEX" in " ".join(plan["queryPlanner"]["Plan"])


def test_an_id_in_list_reads_through_the_index_and_finds_strings_and_object_ids(docs):
    coll, ids = docs
    wanted = ["p03|007", "p09|019", "nope", str(OBJECT_IDS[0]), OBJECT_IDS[1], "p03|007"]
    query = {"_id": {"$in": wanted}}

    _same_as_without_pushdown(coll, query, lambda i: i in wanted, ids)
    assert _pushed_down(coll, query)
    # an ObjectID and the string of its hex share an index key; the handler tells them apart
    assert list(coll.find({"_id": {"$in": [str(OBJECT_IDS[0])]}})) == []


def test_an_id_in_list_with_numbers_keeps_them_by_scanning(docs):
    coll, ids = docs
    wanted = ["p01|001", 1, 2, 3.0, OBJECT_IDS[2]]
    query = {"_id": {"$in": wanted}}

    _same_as_without_pushdown(coll, query, lambda i: i in wanted, ids)
    assert {d["_id"] for d in coll.find(query)} == {"p01|001", 1, 2.0, 3, OBJECT_IDS[2]}
    assert not _pushed_down(coll, query)


def test_an_id_in_list_beside_other_conditions_still_applies_them(docs):
    coll, ids = docs
    wanted = [f"p02|{m:03d}" for m in range(20)]
    query = {"_id": {"$in": wanted}, "n": 1}

    got = {d["_id"] for d in coll.find(query)}

    assert got == {d["_id"] for d in coll.find({"$and": [query]})}
    assert got and got < set(wanted) and all(ids.index(i) % 3 == 1 for i in got)
    assert _pushed_down(coll, query)


def test_an_id_prefix_range_reads_through_the_index(docs):
    coll, ids = docs
    query = {"_id": {"$gte": "p04|", "$lt": "p04}"}}

    _same_as_without_pushdown(coll, query, lambda i: isinstance(i, str) and "p04|" <= i < "p04}", ids)
    assert len(list(coll.find(query))) == 20
    assert _pushed_down(coll, query)


@pytest.mark.parametrize("ops", [("$gt",), ("$gte",), ("$lt",), ("$lte",), ("$gt", "$lt"), ("$gte", "$lte"),
                                 ("$gt", "$lte"), ("$gte", "$lt")])
def test_string_bounds_on_id_match_exactly_what_a_scan_matches(docs, ops):
    coll, ids = docs
    rng = random.Random(" ".join(ops))
    compare = {"$gt": str.__gt__, "$gte": str.__ge__, "$lt": str.__lt__, "$lte": str.__le__}
    bounds = [*_words(rng, 30), "p05|", "p05}", "a", "b\u2028", 'a"', "a!", ""]
    for _ in range(12):
        query_ops = {op: rng.choice(bounds) for op in ops}

        def expected(i: Any, query_ops: dict[str, str] = query_ops) -> bool:
            return isinstance(i, str) and all(compare[op](i, bound) for op, bound in query_ops.items())

        _same_as_without_pushdown(coll, {"_id": query_ops}, expected, ids)


def test_or_of_id_conditions_matches_the_scan(docs):
    coll, ids = docs
    query = {"$or": [{"_id": {"$in": ["p01|002", 2]}}, {"_id": {"$gte": "p07|", "$lt": "p07|005"}}]}

    _same_as_without_pushdown(
        coll, query, lambda i: i in ("p01|002", 2) or (isinstance(i, str) and "p07|" <= i < "p07|005"), ids
    )
