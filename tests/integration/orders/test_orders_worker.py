"""The consumer and the relay against the real broker, on throwaway topics so no other test sees them."""

import threading
import time
import uuid

import pytest
from kafka import KafkaConsumer

from services.orders import worker
from services.orders.adapters.repository import MongoOrderRepository
from services.orders.domain.commands import PlaceOrder
from services.orders.domain.model import Order
from services.orders.domain.placement import OrderRequest
from services.orders.handlers import SOURCE, place_order
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.writer import OutboxWriter
from shared.clock import utc_now
from shared.events.envelope import decode, new_event, new_events
from shared.kafka.admin import admin_client
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.mongo.outbox import OutboxRelay

pytestmark = pytest.mark.integration


@pytest.fixture
def topic(service):
    name = f"test-orders-{uuid.uuid4().hex[:10]}"
    admin = admin_client(service.settings.kafka.bootstrap_servers)
    admin.create_topics({name: {"num_partitions": 1, "replication_factor": 1}})
    yield name
    admin.delete_topics([name])
    admin.close()


@pytest.fixture
def producer_to(service):
    made = []

    def make(topic: str) -> EventProducer:
        made.append(EventProducer(make_kafka_producer(service.settings.kafka), topic_of=lambda _type: topic))
        return made[-1]

    yield make
    for producer in made:
        producer.close()


def _placed(service, shipper_id, body):
    return place_order(PlaceOrder(shipper_id, OrderRequest.model_validate(body)), service.orders()).order


def test_the_consumer_books_an_order_once_even_when_the_event_comes_twice(service, shipper, body, topic, producer_to):
    order = _placed(service, shipper.id, body)
    booked = new_event("shipment.booked", "JV1", {
        "shipment_id": "JV1", "order_id": order.id, "shipper_id": shipper.id,
        "sf_waybill": "SF1234567890123", "ups_tracking_number": "1Z999AA10123456784", "service_level": "standard",
        "legs": [{"leg": "first_mile", "carrier": "sf_express", "origin": "Shenzhen", "destination": "SZX",
                  "planned_start": "2025-06-01T10:00:00Z", "planned_end": "2025-06-02T10:00:00Z"}],
        "promised_delivery_date": "2025-06-12",
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "20.00", "duty_payer": "shipper"},
    }, source="/parcelbridge/shipping")
    producer_to(topic).publish([booked, booked])
    runner = worker.consumer_runner(service, threading.Event(), topics=[topic], group=f"test-{uuid.uuid4().hex}")
    try:
        deadline = time.monotonic() + 30
        while runner.counts.consumed < 2 and time.monotonic() < deadline:
            runner.poll_once(timeout_ms=500)
    finally:
        runner.consumer.close(autocommit=False)
        runner.dlq.close()
    assert runner.counts.applied == 2 and runner.counts.dead_lettered == 0
    stored = service.orders().get(order.id)
    assert stored.status == "booked" and stored.booking.sf_waybill == "SF1234567890123"
    assert [h.status for h in stored.history] == ["placed", "booked"]


class Crash(BaseException):
    """The process dies: nothing after this point runs."""


class DiesBeforePublishing:
    def publish(self, events):
        raise Crash()


def test_an_order_whose_writer_died_before_publishing_is_swept_once_its_grace_is_over(
        service, shipper, body, topic, producer_to):
    db = service.database()
    orders = MongoOrderRepository(db, OutboxWriter(MongoDocumentStore(db), DiesBeforePublishing()))
    order = Order.place(f"ord_{uuid.uuid4().hex[:20]}", shipper.id, body, "fingerprint", utc_now())
    with pytest.raises(Crash):
        orders.add(order, new_events(SOURCE, order.id, order.events, None))
    assert db.outbox_hints.find_one({"_id": f"orders/{order.id}"}) is not None
    assert len(db.orders.find_one({"_id": order.id})["outbox"]) == 1

    sweeper = OutboxRelay(service.outbox_collections(), producer_to(topic), grace=1, interval=0.1)
    sweeper.relay_once()
    assert len(db.orders.find_one({"_id": order.id})["outbox"]) == 1, "a hint younger than the grace is not taken"
    time.sleep(1.2)
    sweeper.relay_once()
    assert db.orders.find_one({"_id": order.id})["outbox"] == []
    assert db.outbox_hints.find_one({"_id": f"orders/{order.id}"}) is None
    assert [e.short_type for e in _events_of(service, topic, order.id)] == ["order.placed"]


def _events_of(service, topic: str, subject: str) -> list:
    consumer = KafkaConsumer(topic, bootstrap_servers=list(service.settings.kafka.bootstrap_servers),
                             auto_offset_reset="earliest", consumer_timeout_ms=3_000)
    try:
        return [event for record in consumer if (event := decode(record.value)).subject == subject]
    finally:
        consumer.close()
