"""The orders app against the real FerretDB, in a database of its own that is dropped afterwards."""

from __future__ import annotations

import copy
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from kafka import KafkaConsumer, TopicPartition
from pydantic import BaseModel
from werkzeug.test import TestResponse

from services.orders import handlers, worker
from services.orders.bootstrap import OrdersService, bootstrap, create_orders_app
from services.orders.domain.commands import CreateShipper
from services.orders.openapi import EXAMPLE_ORDER, openapi_document
from services.orders.views import OrderPage, OrderView
from services.orders.webhooks.domain.model import EVENT_TYPE, Delivery, PendingDelivery, delivery_id, notification_body
from services.orders.webhooks.views import DeliveryPage, NewWebhookView, WebhookList, WebhookView
from shared.batch.mongo_store import MongoDocumentStore
from shared.clock import utc_now
from shared.config import KafkaSettings
from shared.events.envelope import CloudEvent, decode
from shared.http.views import ProblemView
from shared.kafka.admin import admin_client, ensure_topics
from tests.integration.orders.store_commands import listening

MAX_BODY_BYTES = 64 * 1024
STORE_COMMANDS = listening()  # before any client of these tests is made: it sees every command they send
DOCUMENTED_MODELS: dict[str, type[BaseModel]] = {
    m.__name__: m for m in (OrderView, OrderPage, ProblemView, NewWebhookView, WebhookView, WebhookList, DeliveryPage)
}
# Receivers in these tests listen on loopback; retries come quickly and a webhook gives up after 3 failures.
WEBHOOK_ENVIRON = {
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
    "WEBHOOKS_RETRY_DELAYS": "0.05,0.1",
    "WEBHOOKS_DISABLE_AFTER": "3",
    "WEBHOOKS_TIMEOUT_SECONDS": "2",
}


@pytest.fixture(scope="session")
def published_topic(kafka_settings: KafkaSettings) -> Iterator[str]:
    """Where the tests' orders service publishes, instead of orders.v1 and shippers.v1 (running stacks read those)."""
    name = f"test-orders-out-{uuid.uuid4().hex[:10]}"
    admin = admin_client(kafka_settings.bootstrap_servers)
    admin.create_topics({name: {"num_partitions": 1, "replication_factor": 1}}, wait_for_metadata=True)
    yield name
    admin.delete_topics([name])
    admin.close()


@pytest.fixture(scope="session")
def service(published_topic: str) -> Iterator[OrdersService]:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    database = f"parcelbridge_test_orders_{uuid.uuid4().hex[:12]}"
    environ = {
        **os.environ,
        "ORDERS_MONGODB_URI": f"mongodb://127.0.0.1:{port}/{database}",
        "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
        "LOG_LEVEL": "WARNING",
        **WEBHOOK_ENVIRON,
    }
    orders_service = bootstrap(environ, topic_of=lambda _type: published_topic)
    yield orders_service
    orders_service.publisher.close()
    orders_service.database().client.drop_database(database)


@pytest.fixture(scope="session")
def app(service: OrdersService) -> Flask:
    return create_orders_app(service)


@dataclass
class Shipper:
    id: str
    key: str
    client: FlaskClient

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def call(self, method: str, url: str, route: str, headers: dict[str, str] | None = None, **kwargs) -> TestResponse:
        """A request with this shipper's key; the response must match what the document promises for `route`."""
        response = self.client.open(url, method=method, headers={**self.auth, **(headers or {})}, **kwargs)
        assert_documented(response, route, method)
        return response


@pytest.fixture
def new_shipper(app: Flask, service: OrdersService):
    def make(name: str = "Acme Trading") -> Shipper:
        created = handlers.create_shipper(CreateShipper(name), service.shippers())
        return Shipper(created.shipper.id, created.api_key, app.test_client())

    return make


@pytest.fixture
def shipper(new_shipper) -> Shipper:
    return new_shipper()


@pytest.fixture
def body() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE_ORDER)


def seed_delivery(service: OrdersService, shipper_id: str, webhook_id: str, event_id: str) -> Delivery:
    """A delivery in the log as the deliverer would have moved it there, due now."""
    now = utc_now()
    body = notification_body(event_id, now, {"status": "in_transit"})
    pending = PendingDelivery(delivery_id(webhook_id, event_id), webhook_id, event_id, EVENT_TYPE, body, now)
    delivery = Delivery.from_pending(pending, shipper_id)
    assert service.deliveries().add(delivery)
    return delivery


class TopicTail:
    """The events that reach a topic from now on (its end offsets are taken when made)."""

    def __init__(self, kafka: KafkaSettings, topic: str):
        self.consumer = KafkaConsumer(bootstrap_servers=list(kafka.bootstrap_servers), enable_auto_commit=False)
        partitions = [TopicPartition(topic, p) for p in sorted(self.consumer.partitions_for_topic(topic) or [])]
        self.consumer.assign(partitions)
        for partition, offset in self.consumer.end_offsets(partitions).items():
            self.consumer.seek(partition, offset)
        self.seen: list[CloudEvent] = []

    def events_of(self, subject: str, count: int, seconds: float = 10) -> list[CloudEvent]:
        """The first `count` events about `subject` (fewer if they do not come within `seconds`)."""
        deadline = time.monotonic() + seconds
        while len(mine := [e for e in self.seen if e.subject == subject]) < count and time.monotonic() < deadline:
            for records in self.consumer.poll(timeout_ms=200).values():
                self.seen.extend(decode(record.value) for record in records)
        return mine[:count]

    def close(self) -> None:
        self.consumer.close(autocommit=False)


@pytest.fixture
def tail(service: OrdersService) -> Iterator[Callable[[str], TopicTail]]:
    # The declared topics exist on a running system (created at start-up); on a fresh broker, make them here.
    admin = admin_client(service.settings.kafka.bootstrap_servers)
    try:
        ensure_topics(admin)
    finally:
        admin.close()
    made: list[TopicTail] = []

    def make(topic: str) -> TopicTail:
        made.append(TopicTail(service.settings.kafka, topic))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def store_commands(service: OrdersService) -> Callable[[], dict[str, int]]:
    """Takes the commands the tests' orders database was sent since the last take."""
    database = service.settings.mongo.database
    STORE_COMMANDS.take(database)
    return lambda: dict(STORE_COMMANDS.take(database))


def apply_polled(service: OrdersService, *events: CloudEvent) -> list:
    """The events applied as the orders consumer applies one poll; returns those refused, with why."""
    store = MongoDocumentStore(service.database())
    return worker.order_unit(worker.consumer_deps(service.webhooks()), store, service.publisher).apply(list(events))


def stored_orders(service: OrdersService, shipper_id: str) -> list[dict]:
    return list(service.database().orders.find({"shipper_id": shipper_id}))


def assert_documented(response: TestResponse, route: str, method: str) -> None:
    """The status is documented for the route, and the body validates against the documented schema."""
    operation = openapi_document()["paths"][route][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {route} answered {response.status_code}, which is not documented"
    if "content" not in documented:
        assert not response.get_data(), f"{method} {route} {response.status_code} must have no body"
        return
    media = documented["content"].get(response.mimetype)
    assert media, f"{method} {route} {response.status_code} answered {response.mimetype}, not documented"
    name = media["schema"]["$ref"].rsplit("/", 1)[1]
    DOCUMENTED_MODELS[name].model_validate(response.get_json())
