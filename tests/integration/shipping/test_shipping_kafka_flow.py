"""orders.v1 through a real broker -> the shipping batch consumer -> shipments.v1, with no relay running."""

import threading
import time
import uuid
from collections import Counter

import pytest
from pymongo import MongoClient, monitoring

from services.shipping.bootstrap import ShippingService
from services.shipping.domain.numbers import shipment_id_for_order
from services.shipping.worker import consumer_runner, shipping_unit
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.runner import BatchRunner, ForgetOnRevoke
from shared.events.envelope import decode
from shared.kafka.consumer import make_kafka_consumer
from tests.integration.shared.kafka_helpers import committed, poll_until, producer_to, read_all
from tests.integration.shipping.shipping_store_samples import order_placed

pytestmark = pytest.mark.integration


class Commands(monitoring.CommandListener):
    """Counts the store commands sent by the client it listens to, by name."""

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def orders_topic(make_topic):
    return make_topic()


@pytest.fixture
def send(settings, orders_topic):
    producer = producer_to(settings.kafka, orders_topic)
    yield producer.publish
    producer.close()


@pytest.fixture
def listened(settings, db):
    """The test's database through a client of its own, whose every command is counted."""
    commands = Commands()
    client = MongoClient(settings.mongo.uri, tz_aware=True, event_listeners=[commands])
    yield client[db.name], commands
    client.close()


def _close(runner):
    runner.consumer.close(autocommit=False)
    runner.dlq.close()


def test_a_redelivered_order_placed_is_booked_once_and_published_by_the_consumer(
        settings, db, orders_topic, shipments_topic, send):
    event = order_placed()
    send([event, event])
    service = ShippingService(settings, topic_of=lambda short_type: shipments_topic)
    runner = consumer_runner(service, threading.Event(), topics=[orders_topic], group=f"test-{uuid.uuid4().hex[:8]}")
    try:
        poll_until(runner, lambda: runner.counts.consumed == 2)
    finally:
        _close(runner)
    assert (runner.counts.applied, runner.counts.dead_lettered) == (2, 0)
    assert committed(settings.kafka, runner.group, orders_topic) == 2
    stored = db.shipments.find_one()
    assert stored["_id"] == shipment_id_for_order("ord_001") and stored["outbox"] == []
    assert db.outbox_hints.count_documents({}) == 0

    published = [decode(record.value) for record in read_all(settings.kafka, shipments_topic, expected=2, timeout=5)]
    assert [(e.short_type, e.subject) for e in published] == [("shipment.booked", stored["_id"])]
    assert published[0].requestid == "req-it"


def _polls_until(runner, consumed, timeout=30.0):
    """Polls until `consumed` records are consumed; returns how many polls brought records."""
    deadline, polls = time.monotonic() + timeout, 0
    while runner.counts.consumed < consumed:
        assert time.monotonic() < deadline, f"only {runner.counts.consumed} of {consumed} consumed"
        polls += runner.poll_once(timeout_ms=200) > 0
    return polls


@pytest.mark.parametrize("orders", [5, 60])
def test_a_poll_of_orders_costs_five_store_commands_whatever_its_size(
        settings, deps, orders, orders_topic, shipments_topic, send, publisher, listened):
    store_db, commands = listened
    send([order_placed(f"ord_{n:03}") for n in range(orders)])
    unit = shipping_unit(deps, MongoDocumentStore(store_db), publisher)
    group = f"test-{uuid.uuid4().hex[:8]}"
    runner = BatchRunner(make_kafka_consumer(settings.kafka, group, [orders_topic], ForgetOnRevoke(unit.forget)),
                         publisher, unit, group)
    try:
        polls = _polls_until(runner, orders)
        spent = dict(commands.names)
    finally:
        runner.consumer.close(autocommit=False)

    assert store_db.shipments.count_documents({}) == orders
    assert len(read_all(settings.kafka, shipments_topic, expected=orders, timeout=10)) == orders
    # Per poll: one read of the shipments, one hints upsert, one insert, one trim, one hints delete.
    assert spent == {"find": polls, "update": 2 * polls, "insert": polls, "delete": polls}
    assert polls <= 2  # the broker hands over the whole backlog in one or two polls
