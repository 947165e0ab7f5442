"""Webhooks end to end on the real broker and store: tracking event → consumer → queue → deliverer → receiver."""

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.orders import worker
from services.orders.domain.commands import PlaceOrder
from services.orders.domain.placement import OrderRequest
from services.orders.handlers import place_order
from services.orders.webhooks.adapters.doorbell import KafkaDoorbell, kafka_doorbell
from services.orders.webhooks.delivery import Pace
from services.orders.webhooks.domain.signing import verify
from shared.events.envelope import new_event
from shared.kafka.admin import admin_client
from shared.kafka.producer import EventProducer, make_kafka_producer
from tests.integration.orders.conftest import apply_polled, seed_delivery

pytestmark = pytest.mark.integration

DELIVERIES = "/v1/webhooks/{webhook_id}/deliveries"


class Receiver:
    """A webhook receiver on 127.0.0.1 answering a fixed status and keeping every request."""

    def __init__(self, status: int):
        self.status = status
        self.requests: list[tuple[dict[str, str], str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/parcels?shop=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver() -> Iterator[callable]:
    started: list[Receiver] = []

    def start(status: int = 204) -> Receiver:
        started.append(Receiver(status))
        started[-1].thread.start()
        return started[-1]

    yield start
    for r in started:
        r.server.shutdown()
        r.server.server_close()


@pytest.fixture
def tracking_topic(service) -> Iterator[str]:
    name = f"test-orders-hooks-{uuid.uuid4().hex[:10]}"
    admin = admin_client(service.settings.kafka.bootstrap_servers)
    admin.create_topics({name: {"num_partitions": 1, "replication_factor": 1}})
    yield name
    admin.delete_topics([name])
    admin.close()


@pytest.fixture
def publish(service, tracking_topic) -> Iterator[callable]:
    producer = EventProducer(make_kafka_producer(service.settings.kafka), topic_of=lambda _type: tracking_topic)
    yield producer.publish
    producer.close()


def _order_id(service, shipper, body) -> str:
    return place_order(PlaceOrder(shipper.id, OrderRequest.model_validate(body)), service.orders()).order.id


def _status_changed(order_id: str, status: str, occurred_at: str = "2025-06-10T12:00:00Z"):
    return new_event("tracking.status_changed", "JV1", {
        "shipment_id": "JV1", "order_id": order_id, "status": status, "milestone": "delivered",
        "previous_status": "out_for_delivery", "leg": "last_mile", "carrier": "ups", "occurred_at": occurred_at,
        "physically_scanned": True,
    }, source="/parcelbridge/tracking")


def _consume(service, topic: str, expected: int) -> None:
    runner = worker.consumer_runner(service, threading.Event(), topics=[topic], group=f"test-{uuid.uuid4().hex}")
    try:
        deadline = time.monotonic() + 30
        while runner.counts.consumed < expected and time.monotonic() < deadline:
            runner.poll_once(timeout_ms=500)
    finally:
        runner.consumer.close(autocommit=False)
        runner.dlq.close()
    assert runner.counts.applied == expected and runner.counts.dead_lettered == 0


def _deliver_until(service, done, seconds: float = 15) -> None:
    dispatcher = service.dispatcher()
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        if dispatcher.move_once() + dispatcher.send_once() == 0:
            time.sleep(0.02)
    assert done(), "the deliverer did not finish in time"


def _register(shipper, url: str) -> dict:
    response = shipper.call("POST", "/v1/webhooks", "/v1/webhooks", json={"url": url})
    assert response.status_code == 201
    return response.get_json()


def _log(shipper, webhook_id: str) -> list[dict]:
    return shipper.call("GET", f"/v1/webhooks/{webhook_id}/deliveries", DELIVERIES).get_json()["data"]


def _states(shipper, webhook_id: str) -> list[str]:
    return [d["state"] for d in _log(shipper, webhook_id)]


def test_a_status_change_reaches_the_receiver_signed_once_even_when_the_event_comes_twice(
    service, shipper, body, receiver, publish, tracking_topic
):
    target = receiver(204)
    webhook = _register(shipper, target.url)
    order_id = _order_id(service, shipper, body)
    event = _status_changed(order_id, "delivered")
    publish([event, event])
    _consume(service, tracking_topic, expected=2)
    queued = service.database().orders.find_one({"_id": order_id})["webhook_outbox"]
    assert [q["webhook_id"] for q in queued] == [webhook["id"]]  # queued in the order's own write

    _deliver_until(service, lambda: _states(shipper, webhook["id"]) == ["delivered"])
    [(headers, received)] = target.requests
    assert headers["Webhook-Id"] == event.id
    assert verify(webhook["secret"], int(headers["Webhook-Timestamp"]), received, headers["Webhook-Signature"])
    assert abs(int(headers["Webhook-Timestamp"]) - time.time()) < 60
    assert f'"order_id":"{order_id}"' in received and '"status":"delivered"' in received
    [delivery] = _log(shipper, webhook["id"])
    assert delivery["event_id"] == event.id and delivery["payload"]["data"]["order_status"] == "delivered"
    assert [(a["number"], a["status_code"]) for a in delivery["attempts"]] == [(1, 204)]
    assert service.database().orders.find_one({"_id": order_id})["webhook_outbox"] == []


def test_a_delivery_queued_while_the_deliverer_runs_is_moved_through_its_hint(service, shipper, body, receiver):
    webhook = _register(shipper, receiver(204).url)
    order_id = _order_id(service, shipper, body)
    dispatcher = service.dispatcher()
    dispatcher.move_once()  # the first pass sweeps the orders; later ones read the hints only
    event = _status_changed(order_id, "delivered")
    assert apply_polled(service, event) == []

    dispatcher.move_once()

    assert [d["event_id"] for d in _log(shipper, webhook["id"])] == [event.id]
    assert service.database().orders.find_one({"_id": order_id})["webhook_outbox"] == []


def test_a_failing_receiver_is_retried_then_its_webhook_disabled(
    service, shipper, body, receiver, publish, tracking_topic
):
    target = receiver(500)
    webhook = _register(shipper, target.url)
    order_id = _order_id(service, shipper, body)
    publish([_status_changed(order_id, "out_for_delivery", "2025-06-10T08:00:00Z")])
    _consume(service, tracking_topic, expected=1)

    _deliver_until(service, lambda: _states(shipper, webhook["id"]) == ["failed"])
    [delivery] = _log(shipper, webhook["id"])
    attempts = delivery["attempts"]
    assert [(a["number"], a["status_code"]) for a in attempts] == [(1, 500), (2, 500), (3, 500)]
    assert attempts[0]["next_attempt_at"] and attempts[-1]["next_attempt_at"] is None
    assert all(a["duration_ms"] >= 0 and a["error"] is None for a in attempts)
    assert len(target.requests) == 3 and len({h["Webhook-Id"] for h, _ in target.requests}) == 1
    [listed] = shipper.call("GET", "/v1/webhooks", "/v1/webhooks").get_json()["data"]
    assert (listed["state"], listed["consecutive_failures"]) == ("disabled", 3)
    assert "3 failed delivery attempts" in listed["disabled_reason"]


def test_a_dead_receiver_is_logged_with_the_error(service, shipper, body, receiver):
    target = receiver(204)
    target.server.shutdown()
    target.server.server_close()
    webhook = _register(shipper, target.url)
    seed_delivery(service, shipper.id, webhook["id"], "evt-dead")
    _deliver_until(service, lambda: _states(shipper, webhook["id"]) == ["failed"])
    attempts = _log(shipper, webhook["id"])[0]["attempts"]
    assert all(a["status_code"] is None and "Error" in a["error"] for a in attempts)


def test_a_delivery_moved_twice_is_stored_and_sent_once(service, shipper, body, receiver):
    target = receiver(200)
    webhook = _register(shipper, target.url)
    order_id = _order_id(service, shipper, body)
    event = _status_changed(order_id, "delivered")
    assert apply_polled(service, event) == []
    orders = service.database().orders
    queued = orders.find_one({"_id": order_id})["webhook_outbox"]
    service.dispatcher().move_once()
    # As if the deliverer died after storing the delivery but before trimming the order's queue.
    orders.update_one({"_id": order_id}, {"$set": {"webhook_outbox": queued, "webhook_outbox_pending": True}})
    stop = threading.Event()
    loop = threading.Thread(target=service.dispatcher().run, args=(stop,))
    loop.start()
    try:
        deadline = time.monotonic() + 15
        while (orders.find_one({"_id": order_id})["webhook_outbox"] or not target.requests) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        loop.join()
    assert [d["event_id"] for d in _log(shipper, webhook["id"])] == [event.id]
    assert len(target.requests) == 1


def test_an_idle_deliverer_is_woken_by_the_doorbell_long_before_its_sweep(
    service, shipper, body, receiver, publish, tracking_topic
):
    target = receiver(204)
    _register(shipper, target.url)
    order_id = _order_id(service, shipper, body)
    service.webhook_settings = replace(
        service.webhook_settings, dispatch=replace(service.webhook_settings.dispatch, pace=Pace(sweep_every=60))
    )
    bell = _listening_doorbell(service, tracking_topic)
    stop = threading.Event()
    loop = threading.Thread(target=service.dispatcher().run, args=(stop, bell))
    loop.start()
    try:
        time.sleep(1.5)  # past its first passes: now it waits on the doorbell, for up to 60 s
        event = _status_changed(order_id, "delivered")
        rung = time.monotonic()
        publish([event])  # the ring comes first, as when the orders consumer has not queued yet
        time.sleep(0.3)
        assert apply_polled(service, event) == []
        while not target.requests and time.monotonic() - rung < 20:
            time.sleep(0.02)
        waited = time.monotonic() - rung
    finally:
        stop.set()
        loop.join()
        bell.close()
    assert len(target.requests) == 1
    assert waited < 5, f"delivered {waited:.1f} s after the ring"


def _listening_doorbell(service, topic: str) -> KafkaDoorbell:
    """A doorbell whose position at the end of the topic is fixed, so the next record rings it."""
    bell = kafka_doorbell(service.settings.kafka, topic)
    deadline = time.monotonic() + 15
    while not bell.consumer.assignment() and time.monotonic() < deadline:
        bell.consumer.poll(timeout_ms=100)
    for partition in bell.consumer.assignment():
        bell.consumer.position(partition)
    return bell
