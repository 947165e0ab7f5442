"""The batch runner and unit against the real broker and store: poison, conflicts, rebalances, crashes."""

import time
import uuid

import pytest

from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.routes import Applied, Codec, Route
from shared.batch.runner import BatchRunner, ForgetOnRevoke
from shared.batch.unit import BatchUnit
from shared.events.envelope import CloudEvent, decode
from shared.kafka.consumer import make_kafka_consumer
from shared.kafka.dlq import error_headers
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.mongo.outbox import OutboxRelay
from tests.integration.shared.kafka_helpers import (
    FAST_BACKOFF,
    committed,
    key_event,
    poll_until,
    producer_to,
    raw_producer,
    read_all,
)

pytestmark = pytest.mark.integration
COUNTERS = "counters"


def _count(counter: dict | None, event: CloudEvent) -> Applied[dict]:
    """Counts a shipper's keys and announces each one (so every applied event leaves one in the outbox)."""
    keys = (counter or {"keys": 0})["keys"] + 1
    return Applied({"keys": keys}, [key_event(event.subject)])


class ReadsRecorded(MongoDocumentStore):
    """The real store, remembering which ids each read and each write was for."""

    def __init__(self, db):
        super().__init__(db)
        self.reads: list[list[str]] = []
        self.writes: list[list[str]] = []

    def read(self, collection, ids):
        self.reads.append(sorted(ids))
        return super().read(collection, ids)

    def write(self, collection, writes):
        self.writes.append(sorted(w.doc_id for w in writes))
        return super().write(collection, writes)


@pytest.fixture
def to(kafka_settings):
    """Producers to a topic, closed after the test (an unclosed socket fails a later test as a warning)."""
    made: list[EventProducer] = []

    def _to(topic: str) -> EventProducer:
        made.append(producer_to(kafka_settings, topic))
        return made[-1]

    yield _to
    for producer in made:
        producer.close()


def _unit(mongo_db, publisher) -> BatchUnit:
    codec = Codec(load=lambda d: {"keys": d["keys"]}, dump=dict)
    return BatchUnit(ReadsRecorded(mongo_db), publisher, {COUNTERS: codec},
                     {"shipper.key_issued": Route(COUNTERS, _count)})


def _runner(kafka_settings, topic, unit, group=None) -> BatchRunner:
    group = group or f"test-{uuid.uuid4().hex[:8]}"
    consumer = make_kafka_consumer(kafka_settings, group, [topic], ForgetOnRevoke(unit.forget))
    return BatchRunner(consumer, EventProducer(make_kafka_producer(kafka_settings)), unit, group, backoff=FAST_BACKOFF)


def _close(runner: BatchRunner) -> None:
    runner.consumer.close(autocommit=False)
    runner.dlq.close()


def _keys(mongo_db) -> dict[str, int]:
    return {d["_id"]: d["keys"] for d in mongo_db[COUNTERS].find({})}


def test_a_poison_record_mid_batch_is_dead_lettered_and_the_rest_applied(kafka_settings, make_topic, mongo_db, to):
    topic, out = make_topic(), make_topic()
    to(topic).publish([key_event("shp_a")])
    raw = raw_producer(kafka_settings)
    raw.send(topic, key=b"shp_x", value=b"not json", headers=[("trace", b"t1")])
    raw.close()
    to(topic).publish([key_event("shp_a"), key_event("shp_b")])
    runner = _runner(kafka_settings, topic, _unit(mongo_db, to(out)))

    poll_until(runner, lambda: runner.counts.consumed == 4)
    _close(runner)

    assert _keys(mongo_db) == {"shp_a": 2, "shp_b": 1}
    assert committed(kafka_settings, runner.group, topic) == 4
    [letter] = read_all(kafka_settings, topic + ".dlq", expected=1)
    reason = error_headers(letter.headers)
    assert (letter.key, letter.value, reason["x-original-offset"]) == (b"shp_x", b"not json", "1")
    assert reason["x-error-class"] == "InvalidEnvelope" and ("trace", b"t1") in letter.headers
    assert len(read_all(kafka_settings, out, expected=3)) == 3


def test_a_conflict_is_read_and_applied_again_for_its_key_only(kafka_settings, make_topic, mongo_db, to):
    topic, out = make_topic(), make_topic()
    unit = _unit(mongo_db, to(out))
    runner = _runner(kafka_settings, topic, unit)
    to(topic).publish([key_event("shp_a"), key_event("shp_b")])
    poll_until(runner, lambda: runner.counts.consumed == 2)
    # Another writer moves shp_b behind the consumer's back (the cache still holds the old version).
    mongo_db[COUNTERS].update_one({"_id": "shp_b"}, {"$inc": {"version": 1, "keys": 10}})

    to(topic).publish([key_event("shp_a"), key_event("shp_b")])
    poll_until(runner, lambda: runner.counts.consumed == 4)
    _close(runner)

    assert _keys(mongo_db) == {"shp_a": 2, "shp_b": 12}
    # The second read is the write finding out which one missed; only shp_b is written again.
    assert unit.store.reads == [["shp_a", "shp_b"], ["shp_a", "shp_b"]]
    assert unit.store.writes == [["shp_a", "shp_b"], ["shp_a", "shp_b"], ["shp_b"]]
    assert committed(kafka_settings, runner.group, topic) == 4


def test_revoked_partitions_drop_the_cached_documents(kafka_settings, make_topic, mongo_db, to):
    topic, out = make_topic(partitions=2), make_topic()
    unit = _unit(mongo_db, to(out))
    runner = _runner(kafka_settings, topic, unit)
    to(topic).publish([key_event(f"shp_{n}") for n in range(6)])
    poll_until(runner, lambda: runner.counts.consumed == 6)
    assert len(unit.cache) == 6

    newcomer = make_kafka_consumer(kafka_settings, runner.group, [topic])
    try:
        deadline = time.monotonic() + 60
        while not newcomer.assignment() and time.monotonic() < deadline:
            runner.poll_once(timeout_ms=100)
            newcomer.poll(timeout_ms=100)
        assert newcomer.assignment(), "the newcomer never got a partition"
        assert len(unit.cache) == 0
    finally:
        newcomer.close(autocommit=False)
        _close(runner)


class Crash(BaseException):
    """The process dies: nothing after this point runs."""


class DiesBeforePublishing:
    def publish(self, events):
        raise Crash()


def test_a_crash_between_write_and_publish_is_published_by_the_sweeper_in_order(kafka_settings, make_topic, mongo_db,
                                                                                to):
    out = make_topic()
    events = [key_event(s) for s in ("shp_a", "shp_b", "shp_a", "shp_a", "shp_b")]
    with pytest.raises(Crash):
        _unit(mongo_db, DiesBeforePublishing()).apply(events)
    pending = {d["_id"]: [e["id"] for e in d["outbox"]] for d in mongo_db[COUNTERS].find({})}
    assert {k: len(v) for k, v in pending.items()} == {"shp_a": 3, "shp_b": 2}

    sweeper = OutboxRelay([mongo_db[COUNTERS]], to(out), grace=1.0)
    assert sweeper.relay_once() == 0  # too young: a live writer may still be publishing them
    time.sleep(1.2)
    assert sweeper.relay_once() == 5
    assert sweeper.relay_once() == 0

    published = [decode(r.value) for r in read_all(kafka_settings, out, expected=5)]
    assert len(published) == 5
    for shipper, ids in pending.items():
        assert [e.id for e in published if e.subject == shipper] == ids
    assert all(d["outbox"] == [] for d in mongo_db[COUNTERS].find({}))
    assert mongo_db["outbox_hints"].count_documents({}) == 0


def test_a_batch_touching_more_documents_than_one_update_command_takes_lands(kafka_settings, make_topic, mongo_db, to):
    """FerretDB never answers an update command whose 100th statement matches: the store writes in chunks."""
    unit = _unit(mongo_db, to(make_topic()))
    shippers = [f"shp_{n:03}" for n in range(150)]
    unit.apply([key_event(s) for s in shippers])
    unit.apply([key_event(s) for s in shippers])  # 150 guarded replaces, and 150 trims after them
    assert _keys(mongo_db) == dict.fromkeys(shippers, 2)
    assert mongo_db["outbox_hints"].count_documents({}) == 0
