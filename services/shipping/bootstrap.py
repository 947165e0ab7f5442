"""The one place that reads configuration and wires the shipping service's clients."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from flask import Flask
from pymongo.database import Database

from services.shipping.adapters.repository import (
    INDEXES,
    OUTBOX_COLLECTIONS,
    MongoKeyRegistry,
    MongoShipmentRepository,
)
from services.shipping.api import make_blueprint
from services.shipping.handlers import Deps, bind
from shared.config import Settings, load_settings
from shared.http.app import create_app as create_flask_app
from shared.http.auth import authenticate
from shared.kafka.admin import admin_client, ensure_topics
from shared.kafka.consumer import ConsumerRunner, make_kafka_consumer
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.kafka.topics import ORDERS, SHIPPERS, TRACKING
from shared.logs import configure_logging
from shared.mongo.client import apply_indexes, database_for
from shared.mongo.outbox import OutboxRelay
from shared.readiness import readiness_checks

SERVICE = "shipping"
CONSUMER_GROUP = "shipping"
CONSUMED_TOPICS = [ORDERS.name, SHIPPERS.name, TRACKING.name]


def settings() -> Settings:
    """The service's settings; raises ConfigError naming every bad variable."""
    loaded = load_settings(SERVICE)
    configure_logging(SERVICE, loaded.log_level)
    return loaded


def database(settings: Settings) -> Callable[[], Database]:
    """The database, resolved on each call: client_for makes one client per process, after any fork."""
    return partial(database_for, settings.mongo)


def deps(settings: Settings) -> Deps:
    db = database(settings)
    return Deps(shipments=MongoShipmentRepository(db), keys=MongoKeyRegistry(db))


def prepare_store(settings: Settings) -> None:
    apply_indexes(database(settings)(), INDEXES)


def prepare_topics(settings: Settings) -> None:
    admin = admin_client(settings.kafka.bootstrap_servers, client_id=f"{settings.kafka.client_id}-admin")
    try:
        ensure_topics(admin)
    finally:
        admin.close()


def create_app(settings: Settings | None = None) -> Flask:
    """The HTTP app; no connection is opened until the first request of each process."""
    settings = settings or globals()["settings"]()
    db = database(settings)
    keys = MongoKeyRegistry(db)
    blueprint = make_blueprint(MongoShipmentRepository(db), lambda: authenticate(keys.collection))
    return create_flask_app(
        SERVICE,
        [blueprint],
        readiness=readiness_checks(settings, f"{settings.kafka.client_id}-ready"),
        max_body_bytes=settings.max_body_bytes,
    )


def consumer_runner(settings: Settings, stop: threading.Event) -> ConsumerRunner:
    consumer = make_kafka_consumer(settings.kafka, CONSUMER_GROUP, CONSUMED_TOPICS)
    dlq = EventProducer(make_kafka_producer(settings.kafka))
    return ConsumerRunner(consumer, dlq, bind(deps(settings)), group=CONSUMER_GROUP, stop=stop)


def outbox_relay(settings: Settings) -> OutboxRelay:
    db = database(settings)()
    producer = EventProducer(make_kafka_producer(settings.kafka))
    return OutboxRelay([db[name] for name in OUTBOX_COLLECTIONS], producer)
