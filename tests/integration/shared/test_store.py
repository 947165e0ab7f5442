"""Versioned documents, unique indexes and the outbox relay against the real FerretDB and Kafka."""

import pytest
from pymongo.errors import DuplicateKeyError

from shared.errors import ConcurrencyConflict
from shared.events.envelope import decode
from shared.mongo.client import IndexSpec, apply_indexes
from shared.mongo.documents import OUTBOX, AlreadyExists, Queue, VersionedCollection, with_events
from shared.mongo.outbox import OutboxRelay
from shared.mongo.pending import PendingDocuments
from tests.integration.shared.kafka_helpers import key_event, poll_until, producer_to, read_all, runner_for

pytestmark = pytest.mark.integration


def test_a_unique_index_rejects_a_duplicate(mongo_db):
    apply_indexes(mongo_db, [IndexSpec("shipments", (("order_id", 1),), unique=True)])
    apply_indexes(mongo_db, [IndexSpec("shipments", (("order_id", 1),), unique=True)])  # idempotent
    shipments = VersionedCollection(mongo_db["shipments"])
    shipments.insert({"_id": "PB1", "order_id": "ord_1"})

    with pytest.raises(AlreadyExists):
        shipments.insert({"_id": "PB2", "order_id": "ord_1"})
    with pytest.raises(DuplicateKeyError):
        mongo_db["shipments"].insert_one({"_id": "PB1", "order_id": "ord_9"})
    assert mongo_db["shipments"].count_documents({}) == 1


def test_a_stale_write_is_a_conflict_not_a_lost_update(mongo_db):
    orders = VersionedCollection(mongo_db["orders"])
    orders.insert({"_id": "ord_1", "status": "placed"})
    mine, theirs = orders.get("ord_1"), orders.get("ord_1")
    orders.save({**theirs, "status": "booked"})

    with pytest.raises(ConcurrencyConflict):
        orders.save({**mine, "status": "cancelled"})
    assert orders.get("ord_1")["status"] == "booked"


def test_relay_killed_between_publish_and_removal_duplicates_and_the_consumer_absorbs_it(
    kafka_settings, make_topic, mongo_db
):
    topic = make_topic()
    shippers = VersionedCollection(mongo_db["shippers"])
    event = key_event("shp_dup")
    shippers.insert(with_events({"_id": "shp_dup", "name": "Acme"}, [event]))
    relay = OutboxRelay([mongo_db["shippers"]], producer_to(kafka_settings, topic))

    # First relay: publishes, then dies before removing the event from the outbox.
    relay.publish(shippers.get("shp_dup"))
    # The restarted relay finds the event still pending and publishes it again.
    assert relay.relay_once() == 1
    assert relay.relay_once() == 0

    stored = shippers.get("shp_dup")
    assert stored["outbox"] == [] and stored["outbox_pending"] is False
    records = read_all(kafka_settings, topic, expected=2)
    assert [decode(r.value).id for r in records] == [event.id, event.id]

    counters = VersionedCollection(mongo_db["key_counts"])
    counters.insert({"_id": "shp_dup", "keys": 0})

    def count_key(e):
        counters.apply_once(e.subject, e.id, lambda doc: {**doc, "keys": doc["keys"] + 1})

    runner = runner_for(kafka_settings, topic, {"shipper.key_issued": count_key})
    poll_until(runner, lambda: runner.counts.applied == 2)
    runner.consumer.close()
    assert counters.get("shp_dup")["keys"] == 1


def test_relay_keeps_events_appended_while_it_was_publishing(kafka_settings, make_topic, mongo_db):
    topic = make_topic()
    shippers = VersionedCollection(mongo_db["shippers"])
    first, second = key_event("shp_1"), key_event("shp_1")
    shippers.insert(with_events({"_id": "shp_1"}, [first]))
    relay = OutboxRelay([mongo_db["shippers"]], producer_to(kafka_settings, topic))
    seen = shippers.get("shp_1")
    relay.publish(seen)
    shippers.save(with_events(shippers.get("shp_1"), [second]))

    relay.remove_published(relay.collections[0], seen)

    outbox = shippers.get("shp_1")["outbox"]
    assert [entry["id"] for entry in outbox] == [second.id]


def test_relay_trims_the_outbox_without_losing_a_concurrent_write(kafka_settings, make_topic, mongo_db):
    topic = make_topic()
    shippers = VersionedCollection(mongo_db["shippers"])
    shippers.insert(with_events({"_id": "shp_1", "name": "Acme"}, [key_event("shp_1")]))
    relay = OutboxRelay([mongo_db["shippers"]], producer_to(kafka_settings, topic))
    seen = shippers.get("shp_1")
    shippers.save({**shippers.get("shp_1"), "name": "Acme Ltd"})

    relay.remove_published(relay.collections[0], seen)

    stored = shippers.get("shp_1")
    assert (stored["name"], stored["outbox"], stored["outbox_pending"]) == ("Acme Ltd", [], False)


WORK = Queue("work_pending", "work_hints")


def test_a_write_leaving_work_pending_hints_each_queue_it_feeds(mongo_db):
    orders = VersionedCollection(mongo_db["orders"], (OUTBOX, WORK))
    orders.insert(with_events({"_id": "ord_1", "work_pending": True}, [key_event()]))
    orders.insert({"_id": "ord_2", "work_pending": False})

    assert [h["doc_id"] for h in mongo_db["work_hints"].find({})] == ["ord_1"]
    assert [h["doc_id"] for h in mongo_db["outbox_hints"].find({})] == ["ord_1"]


def test_pending_documents_are_found_by_their_hints_once_claimed(mongo_db):
    orders = VersionedCollection(mongo_db["orders"], (WORK,))
    shippers = VersionedCollection(mongo_db["shippers"], (WORK,))
    pending = PendingDocuments([orders, shippers], WORK, sweep_every=3600)
    assert pending.take(10) == []  # the first take sweeps
    orders.insert({"_id": "ord_1", "work_pending": True})
    orders.insert({"_id": "ord_2", "work_pending": True})
    orders.save({**orders.get("ord_2"), "work_pending": False})
    shippers.insert({"_id": "shp_1", "work_pending": True})

    found = pending.take(10)  # a hint whose work is gone is dropped

    assert sorted((store.collection.name, d["_id"]) for store, d in found) == [("orders", "ord_1"),
                                                                               ("shippers", "shp_1")]
    assert pending.take(10) == []
    assert mongo_db["work_hints"].count_documents({}) == 0


def test_a_sweep_finds_pending_work_whose_hint_was_lost(mongo_db):
    clock = iter([0.0, 10.0, 31.0]).__next__
    orders = VersionedCollection(mongo_db["orders"], (WORK,))
    pending = PendingDocuments([orders], WORK, sweep_every=30, clock=clock)
    orders.insert({"_id": "ord_1", "work_pending": True})
    mongo_db["work_hints"].delete_many({})  # as if the writer crashed between its two writes

    assert [d["_id"] for _, d in pending.take(10)] == ["ord_1"]  # at 0 s: the first take sweeps
    assert pending.take(10) == []  # at 10 s: hints only
    assert [d["_id"] for _, d in pending.take(10)] == ["ord_1"]  # at 31 s: swept again


def test_concurrent_writers_never_both_win_the_same_version(mongo_db):
    """Two writers race read -> conditional replace on the same documents: every success must count."""
    import threading

    from shared.mongo.documents import VersionedCollection as Store

    counters = Store(mongo_db["race"])
    ids = [f"doc{n}" for n in range(400)]
    for doc_id in ids:
        counters.insert({"_id": doc_id, "hits": 0})
    wins = {doc_id: 0 for doc_id in ids}
    lock = threading.Lock()

    def writer() -> None:
        for doc_id in ids:
            document = counters.get(doc_id)
            try:
                counters.save({**document, "hits": document["hits"] + 1})
            except ConcurrencyConflict:
                continue
            with lock:
                wins[doc_id] += 1

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lost = [doc_id for doc_id in ids if counters.get(doc_id)["hits"] != wins[doc_id]]
    assert lost == []


def test_a_sweeper_whose_publish_fails_keeps_the_hint_and_publishes_on_its_next_pass(
    kafka_settings, make_topic, mongo_db
):
    topic = make_topic()
    shippers = VersionedCollection(mongo_db["shippers"])
    event = key_event("shp_swept")
    shippers.insert(with_events({"_id": "shp_swept", "name": "Acme"}, [event]))
    dead = producer_to(kafka_settings, topic)
    dead.close()  # a producer that can no longer send: the pass fails after claiming the hint
    sweeper = OutboxRelay([mongo_db["shippers"]], dead, grace=5.0)

    with pytest.raises(Exception):  # noqa: B017 -- whatever the closed client raises, the hint must survive it
        sweeper.relay_once()
    kept = mongo_db["outbox_hints"].count_documents({"doc_id": "shp_swept"})
    sweeper.producer = producer_to(kafka_settings, topic)
    published = sweeper.relay_once()
    sweeper.producer.close()

    assert (kept, published) == (1, 1)
    assert shippers.get("shp_swept")["outbox"] == []
    assert [decode(r.value).id for r in read_all(kafka_settings, topic, expected=1)] == [event.id]
