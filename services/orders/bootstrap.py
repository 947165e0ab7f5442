"""The composition root of every orders process: reads the configuration and wires the clients.

Clients are created on first use in each process, so gunicorn workers never share the master's sockets.
Besides shared.config's variables, the orders service reads (here, and only here) the `WEBHOOKS_*` variables
and `ORDERS_OUTBOX_SWEEP_SECONDS` (5) and `ORDERS_OUTBOX_GRACE_SECONDS` (15): how often the relay sweeps for
events a crashed writer (or an unanswered publish) left behind, and how old they must be (live writers publish
their own).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask
from pymongo.collection import Collection

from services.orders.adapters.repository import (
    API_KEYS,
    INDEXES,
    ORDER_QUEUES,
    ORDERS,
    SHIPPERS,
    MongoOrderRepository,
    MongoShipperRepository,
)
from services.orders.api import orders_blueprint
from services.orders.manifest import MANIFEST
from services.orders.webhooks.adapters.doorbell import KafkaDoorbell, kafka_doorbell
from services.orders.webhooks.adapters.queue import MongoDeliveryQueue
from services.orders.webhooks.adapters.repository import (
    WEBHOOK_INDEXES,
    MongoDeliveryRepository,
    MongoWebhookRepository,
)
from services.orders.webhooks.adapters.schedule import ScheduledDeliveries
from services.orders.webhooks.adapters.sender import HttpSender, TargetChecker
from services.orders.webhooks.api import webhooks_blueprint
from services.orders.webhooks.delivery import DispatchSettings, Pace, WebhookDispatcher
from services.orders.webhooks.domain.model import RetryPolicy
from services.orders.webhooks.options import WebhookSettings
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.writer import OutboxWriter
from shared.config import EnvReader, Settings, load_settings
from shared.http.app import create_app
from shared.kafka.process_producer import ProcessProducer
from shared.kafka.producer import EventProducer, TopicOf, catalog_topic, make_kafka_producer
from shared.kafka.topics import TRACKING
from shared.logs import configure_logging
from shared.mongo.client import IndexedDatabase
from shared.readiness import readiness_checks

# The webhook variables, with their defaults (read here only).
# The webhook variables (read here only): WEBHOOKS_ALLOW_PRIVATE_TARGETS (false; true only where receivers run on
# loopback: tests, local demos), WEBHOOKS_RETRY_DELAYS (seconds after each failed attempt; then it fails),
# WEBHOOKS_DISABLE_AFTER (15 consecutive failed attempts, across deliveries, disable a webhook),
# WEBHOOKS_TIMEOUT_SECONDS (5), WEBHOOKS_CONCURRENCY (8 receivers called at once by one deliver process) and
# WEBHOOKS_SWEEP_SECONDS (5: the deliverer's longest idle wait; it also wakes on tracking.v1).
DEFAULT_RETRY_DELAYS = "10,60,300,1800,7200,21600"
# A request waits this long at most for the broker; past it, its events are left to the sweeper.
REQUEST_PRODUCER = {"bootstrap_timeout_ms": 2000, "max_block_ms": 2000, "request_timeout_ms": 2000,
                    "delivery_timeout_ms": 2500}


@dataclass(frozen=True)
class SweeperSettings:
    """The outbox relay as a crash sweeper: hints older than `grace` seconds, every `interval` seconds."""

    interval: float = 5.0
    grace: float = 15.0


def load_sweeper_settings(environ: Mapping[str, str]) -> SweeperSettings:
    """ORDERS_OUTBOX_SWEEP_SECONDS and ORDERS_OUTBOX_GRACE_SECONDS; raises ConfigError naming every bad one."""
    reader = EnvReader(environ)
    settings = SweeperSettings(reader.number("ORDERS_OUTBOX_SWEEP_SECONDS", 5.0, 0.05, 3600),
                               reader.number("ORDERS_OUTBOX_GRACE_SECONDS", 15.0, 1, 3600))
    reader.check()
    return settings


def load_webhook_settings(environ: Mapping[str, str]) -> WebhookSettings:
    """The webhook settings; raises ConfigError naming every bad variable."""
    reader = EnvReader(environ)
    allow = reader.flag("WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
    delays = _delays(reader.optional("WEBHOOKS_RETRY_DELAYS") or DEFAULT_RETRY_DELAYS, reader.problems)
    policy = RetryPolicy(delays, reader.integer("WEBHOOKS_DISABLE_AFTER", 15, 1, 1000),
                         reader.number("WEBHOOKS_TIMEOUT_SECONDS", 5, 0.1, 60))
    concurrency = reader.integer("WEBHOOKS_CONCURRENCY", 8, 1, 64)
    pace = Pace(sweep_every=reader.number("WEBHOOKS_SWEEP_SECONDS", 5, 0.05, 300))
    reader.check()
    return WebhookSettings(allow, DispatchSettings(policy, concurrency=concurrency, pace=pace))


def _delays(raw: str, problems: list[str]) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        delays = ()
    if not delays or any(not 0 <= d <= 7 * 86400 for d in delays):
        problems.append(f"WEBHOOKS_RETRY_DELAYS={raw!r} must be comma-separated seconds, each 0..604800")
    return delays


class OrdersService:
    """Settings plus lazily made, per-process clients; `topic_of` routes what it publishes (tests)."""

    def __init__(self, settings: Settings, webhook_settings: WebhookSettings | None = None,
                 sweeper: SweeperSettings | None = None, topic_of: TopicOf = catalog_topic):
        self.settings = settings
        self.webhook_settings = webhook_settings or WebhookSettings()
        self.sweeper = sweeper or SweeperSettings()
        self.topic_of = topic_of
        self.publisher = ProcessProducer(
            lambda: EventProducer(make_kafka_producer(settings.kafka, **REQUEST_PRODUCER), topic_of))
        self.database = IndexedDatabase(settings.mongo, INDEXES + WEBHOOK_INDEXES)
        self.readiness = readiness_checks(settings, "parcelbridge-orders")

    def orders(self) -> MongoOrderRepository:
        return MongoOrderRepository(self.database(), self.writer())

    def shippers(self) -> MongoShipperRepository:
        return MongoShipperRepository(self.database(), self.writer())

    def writer(self) -> OutboxWriter:
        """Writes a document and publishes its events right after, through this process's producer."""
        return OutboxWriter(MongoDocumentStore(self.database()), self.publisher)

    def webhooks(self) -> MongoWebhookRepository:
        return MongoWebhookRepository(self.database())

    def deliveries(self) -> MongoDeliveryRepository:
        return MongoDeliveryRepository(self.database())

    def target_checker(self) -> TargetChecker:
        return TargetChecker(allow_private=self.webhook_settings.allow_private_targets)

    def dispatcher(self) -> WebhookDispatcher:
        db = self.database()
        # The deliverer is the delivery log's only writer, so it keeps the pending deliveries in memory.
        return WebhookDispatcher(
            MongoDeliveryQueue(db[ORDERS], ORDER_QUEUES), self.webhooks(), ScheduledDeliveries(self.deliveries()),
            HttpSender(self.target_checker()), self.webhook_settings.dispatch,
        )

    def doorbell(self) -> KafkaDoorbell:
        """Rings when tracking.v1 gets records: the events whose handling queues deliveries."""
        return kafka_doorbell(self.settings.kafka, TRACKING.name)

    def api_keys(self) -> Collection:
        return self.database()[API_KEYS]

    def outbox_collections(self) -> list[Collection]:
        db = self.database()
        return [db[ORDERS], db[SHIPPERS]]

    def producer(self) -> EventProducer:
        return EventProducer(make_kafka_producer(self.settings.kafka), self.topic_of)


def bootstrap(environ: Mapping[str, str] | None = None, topic_of: TopicOf = catalog_topic) -> OrdersService:
    """Read the configuration once and set up logging; no connection is opened yet."""
    environ = os.environ if environ is None else environ
    settings = load_settings(MANIFEST, environ)
    configure_logging("orders", settings.log_level)
    return OrdersService(settings, load_webhook_settings(environ), load_sweeper_settings(environ), topic_of)


def create_orders_app(service: OrdersService) -> Flask:
    """The orders API app (clients are opened by the first request of each process)."""
    return create_app(
        "orders",
        [orders_blueprint(service), webhooks_blueprint(service)],
        readiness=service.readiness,
        max_body_bytes=service.settings.max_body_bytes,
    )
