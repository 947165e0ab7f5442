"""Every write statement FerretDB runs as read -> modify -> write is atomic under our write-lock patch, including
the statements of one multi-statement command, and none of them is lost or applied twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from pymongo import DeleteOne, InsertOne, ReplaceOne, ReturnDocument, UpdateMany, UpdateOne

pytestmark = pytest.mark.integration


def _in_threads(count: int, work: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the test thread, which fails with it
            errors.append(error)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "writers stalled"
    assert errors == []


def test_an_unordered_bulk_of_mixed_writes_applies_each_statement_once(mongo_db):
    coll = mongo_db["mixed"]
    coll.insert_many([{"_id": f"d{n}", "version": 1, "n": 0} for n in range(6)])

    result = coll.bulk_write([
        ReplaceOne({"_id": "d0", "version": 1}, {"version": 2, "n": 10}),
        ReplaceOne({"_id": "d1", "version": 7}, {"version": 8, "n": 10}),  # stale: no match
        InsertOne({"_id": "d9", "version": 1, "n": 0}),
        UpdateOne({"_id": "d2"}, {"$inc": {"n": 5}}),
        DeleteOne({"_id": "d3"}),
        UpdateMany({"_id": {"$in": ["d4", "d5", "d9"]}}, {"$inc": {"n": 1}}),
        UpdateOne({"_id": "d7", "version": 1}, {"$set": {"n": 3}}, upsert=True),
    ], ordered=False)

    assert (result.inserted_count, result.matched_count, result.modified_count) == (1, 5, 5)
    assert (result.deleted_count, result.upserted_count) == (1, 1)
    assert {d["_id"]: d["n"] for d in coll.find({})} == {"d0": 10, "d1": 0, "d2": 5, "d4": 1, "d5": 1, "d7": 3,
                                                         "d9": 1}


def test_update_many_and_delete_many_by_id_range_and_list_touch_exactly_those(mongo_db):
    coll = mongo_db["ranges"]
    coll.insert_many([{"_id": f"s{s}|{n:02d}", "n": 0} for s in range(3) for n in range(40)])

    updated = coll.update_many({"_id": {"$gte": "s1|", "$lt": "s1}"}}, {"$inc": {"n": 1}})
    deleted = coll.delete_many({"_id": {"$in": ["s2|00", "s2|39", "s9|00"]}})

    assert (updated.matched_count, updated.modified_count, deleted.deleted_count) == (40, 40, 2)
    by_shipper = {s: sorted(d["n"] for d in coll.find({"_id": {"$gte": f"s{s}|", "$lt": f"s{s}}}"}}))
                  for s in range(3)}
    assert by_shipper == {0: [0] * 40, 1: [1] * 40, 2: [0] * 38}


def test_find_one_and_update_is_a_compare_and_swap_and_upserts(mongo_db):
    coll = mongo_db["fam"]
    coll.insert_one({"_id": "a", "version": 1})

    won = coll.find_one_and_update({"_id": "a", "version": 1}, {"$set": {"version": 2}},
                                   return_document=ReturnDocument.AFTER)
    lost = coll.find_one_and_update({"_id": "a", "version": 1}, {"$set": {"version": 3}})
    upserted = coll.find_one_and_update({"_id": "b"}, {"$set": {"version": 1}}, upsert=True,
                                        return_document=ReturnDocument.AFTER)

    assert (won, lost, upserted) == ({"_id": "a", "version": 2}, None, {"_id": "b", "version": 1})


def test_concurrent_increments_through_find_and_modify_and_update_many_all_count(mongo_db):
    coll = mongo_db["counters"]
    coll.insert_many([{"_id": f"c{n:02d}", "n": 0} for n in range(20)])

    def increments() -> None:
        for _ in range(25):
            coll.find_one_and_update({"_id": "c00"}, {"$inc": {"n": 1}})
            coll.update_many({"_id": {"$gte": "c01", "$lt": "c99"}}, {"$inc": {"n": 1}})

    _in_threads(4, increments)

    assert sorted(d["n"] for d in coll.find({})) == [100] * 20
