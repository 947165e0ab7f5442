"""order.placed (twice) through a real broker -> the shipping consumer -> the outbox relay -> shipments topic."""

import time
import uuid

import pytest
from kafka import KafkaConsumer
from shipping_store_samples import order_placed

from services.shipping.adapters.repository import OUTBOX_COLLECTIONS
from services.shipping.handlers import bind
from shared.events.envelope import decode
from shared.kafka.admin import admin_client
from shared.kafka.consumer import ConsumerRunner, make_kafka_consumer
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.mongo.outbox import OutboxRelay

pytestmark = pytest.mark.integration


@pytest.fixture
def topics(settings):
    suffix = uuid.uuid4().hex[:10]
    names = {"orders": f"test-shipping-orders-{suffix}", "shipments": f"test-shipping-shipments-{suffix}"}
    admin = admin_client(settings.kafka.bootstrap_servers)
    all_names = [*names.values(), names["orders"] + ".dlq"]
    admin.create_topics({name: {"num_partitions": 1, "replication_factor": 1} for name in all_names})
    yield names
    admin.delete_topics(all_names)
    admin.close()


@pytest.fixture
def producer(settings):
    kafka_producer = make_kafka_producer(settings.kafka)
    yield kafka_producer
    kafka_producer.close(timeout=5)


def _run_until(runner, consumed, timeout=30.0):
    deadline = time.monotonic() + timeout
    while runner.counts.consumed < consumed and time.monotonic() < deadline:
        runner.poll_once(timeout_ms=500)


def test_a_redelivered_order_placed_is_booked_once_and_published_once(settings, db, deps, topics, producer):
    orders = EventProducer(producer, topic_of=lambda short_type: topics["orders"])
    event = order_placed()
    orders.publish([event, event])

    consumer = make_kafka_consumer(settings.kafka, f"test-shipping-{uuid.uuid4().hex[:8]}", [topics["orders"]])
    runner = ConsumerRunner(consumer, EventProducer(producer, lambda t: topics["orders"] + ".dlq"), bind(deps),
                            group="test-shipping")
    try:
        _run_until(runner, consumed=2)
    finally:
        consumer.close(autocommit=False)
    assert (runner.counts.applied, runner.counts.dead_lettered) == (2, 0)
    assert db.shipments.count_documents({}) == 1

    relay = OutboxRelay([db[name] for name in OUTBOX_COLLECTIONS],
                        EventProducer(producer, topic_of=lambda short_type: topics["shipments"]))
    assert relay.relay_once() == 1
    assert relay.relay_once() == 0
    assert db.shipments.find_one()["outbox"] == []

    reader = KafkaConsumer(topics["shipments"], bootstrap_servers=list(settings.kafka.bootstrap_servers),
                           auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=5000)
    try:
        published = [decode(record.value) for record in reader]
    finally:
        reader.close()
    assert [(e.short_type, e.subject) for e in published] == [("shipment.booked", db.shipments.find_one()["_id"])]
    assert published[0].requestid == "req-it"
