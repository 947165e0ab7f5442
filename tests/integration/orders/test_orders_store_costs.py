"""What the orders service asks of the real store and broker: counted commands, no relay, hints that wait."""

import threading
import uuid
from datetime import UTC, datetime

import pytest

from services.orders import handlers, worker
from services.orders.adapters.repository import ORDER_QUEUES, ORDERS
from services.orders.domain.commands import PlaceOrder
from services.orders.domain.placement import OrderRequest
from services.orders.webhooks.adapters.queue import MongoDeliveryQueue
from services.orders.webhooks.domain.model import Webhook
from shared.batch.mongo_store import MongoDocumentStore
from shared.clock import utc_now
from shared.events.envelope import new_event
from shared.kafka.producer import EventProducer, make_kafka_producer
from tests.integration.orders.conftest import apply_polled

pytestmark = pytest.mark.integration

STATUSES = ("picked_up", "in_transit", "delivered")


def _status_changed(order_id: str, status: str, day: int):
    return new_event("tracking.status_changed", "JV1", {
        "shipment_id": "JV1", "order_id": order_id, "status": status, "milestone": None, "previous_status": None,
        "leg": None, "carrier": "ups", "occurred_at": f"2025-06-{day:02d}T12:00:00Z", "physically_scanned": True,
    }, source="/parcelbridge/tracking")


def _webhook(service, shipper_id: str) -> Webhook:
    webhook = Webhook(f"whk_{uuid.uuid4().hex[:20]}", shipper_id, "https://hooks.example.com/x", "whsec_x",
                      utc_now())
    service.webhooks().add(webhook)
    return webhook


def test_a_placed_order_is_on_its_topic_with_no_relay_running_for_six_store_commands(
    shipper, body, service, tail, published_topic, store_commands
):
    published = tail(published_topic)
    store_commands()
    order_id = shipper.call("POST", "/v1/orders", "/v1/orders", json=body).get_json()["id"]
    # The key lookup, the listing entry, then the writer's hint, insert, trim and unhint.
    assert store_commands() == {"find": 1, "insert": 2, "update": 2, "delete": 1}
    [placed] = published.events_of(order_id, 1)
    assert placed.short_type == "order.placed"
    assert service.database().orders.find_one({"_id": order_id})["outbox"] == []


def test_a_poll_of_status_changes_costs_the_same_few_store_commands_whatever_its_size(
    service, shipper, body, make_topic, store_commands
):
    webhook = _webhook(service, shipper.id)
    order_ids = [handlers.place_order(PlaceOrder(shipper.id, OrderRequest.model_validate(body)),
                                      service.orders()).order.id for _ in range(12)]
    topic = make_topic()
    events = [_status_changed(o, s, day) for day, s in enumerate(STATUSES, start=2) for o in order_ids]
    producer = EventProducer(make_kafka_producer(service.settings.kafka), topic_of=lambda _type: topic)
    producer.publish(events)
    producer.close()
    runner = worker.consumer_runner(service, threading.Event(), topics=[topic], group=f"test-{uuid.uuid4().hex}")
    polls: list[tuple[int, dict[str, int]]] = []
    try:
        store_commands()
        while runner.counts.consumed < len(events):
            if consumed := runner.poll_once(timeout_ms=500):
                polls.append((consumed, store_commands()))
    finally:
        runner.consumer.close(autocommit=False)
        runner.dlq.close()
    # Orders read, webhooks read, deliveries hinted, orders written: whatever the number of records polled.
    assert all(commands == {"find": 2, "update": 2} for _, commands in polls), polls
    assert len(polls) < len(events) and runner.counts.dead_lettered == 0
    stored = list(service.database().orders.find({"_id": {"$in": order_ids}}))
    assert {d["status"] for d in stored} == {"delivered"}
    assert all([q["webhook_id"] for q in d["webhook_outbox"]] == [webhook.id] * 3 for d in stored)
    hinted = service.database().webhook_hints.count_documents({"doc_id": {"$in": order_ids}})
    assert hinted == len(order_ids)


def test_a_delivery_hinted_before_its_order_is_written_waits_for_it(service, shipper, body):
    _webhook(service, shipper.id)
    order_id = handlers.place_order(PlaceOrder(shipper.id, OrderRequest.model_validate(body)),
                                    service.orders()).order.id
    queue = MongoDeliveryQueue(service.database()[ORDERS], ORDER_QUEUES, sweep_every=3600)
    queue.pending(100)  # its first pass sweeps; later ones follow hints only
    # The consumer hints first, then writes: a deliverer pass in between must not drop the hint.
    MongoDocumentStore(service.database()).hint_queue("webhook_hints", [(ORDERS, order_id)])
    assert order_id not in [q.order_id for q in queue.pending(100)]
    assert apply_polled(service, _status_changed(order_id, "delivered", 3)) == []

    [queued] = [q for q in queue.pending(100) if q.order_id == order_id]
    assert [d.event_type for d in queued.deliveries] == ["parcel.status_changed"]
    assert service.database().webhook_hints.find_one({"doc_id": order_id}) is None


def test_a_hint_with_no_work_behind_it_is_dropped_once_settled(service, shipper, body):
    order_id = handlers.place_order(PlaceOrder(shipper.id, OrderRequest.model_validate(body)),
                                    service.orders()).order.id
    hints = service.database().webhook_hints
    hints.insert_one({"_id": f"{ORDERS}/{order_id}", "collection": ORDERS, "doc_id": order_id,
                      "at": datetime(2025, 1, 1, tzinfo=UTC)})  # its writer died before writing, long ago
    queue = MongoDeliveryQueue(service.database()[ORDERS], ORDER_QUEUES, sweep_every=3600)
    queue.pending(100)
    assert order_id not in [q.order_id for q in queue.pending(100)]
    assert hints.find_one({"doc_id": order_id}) is None
