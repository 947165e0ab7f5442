"""The one place that reads configuration and wires the shipping service's clients.

Besides shared.config's variables, the shipping service reads (here, and only here)
`SHIPPING_OUTBOX_SWEEP_SECONDS` (5) and `SHIPPING_OUTBOX_GRACE_SECONDS` (15): how often the relay sweeps for
events a crashed consumer left unpublished, and how old they must be (the live consumer publishes its own).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from flask import Flask
from pymongo.database import Database

from services.shipping import handlers
from services.shipping.adapters.repository import (
    BOOKINGS,
    INDEXES,
    OUTBOX_COLLECTIONS,
    REFUSAL_CODEC,
    SHIPMENT_CODEC,
    SHIPMENTS,
    MongoKeyRegistry,
    MongoShipmentRepository,
)
from services.shipping.api import make_blueprint
from services.shipping.handlers import Deps
from services.shipping.manifest import MANIFEST
from services.shipping.options import ShippingOptions
from shared.batch.cache import DocumentCache
from shared.batch.ports import DocumentStore, Publisher
from shared.batch.routes import Route
from shared.batch.runner import BatchRunner, ForgetOnRevoke
from shared.batch.unit import BatchUnit
from shared.config import EnvReader, Settings, load_settings
from shared.http.app import create_app as create_flask_app
from shared.http.auth import authenticate
from shared.kafka.admin import admin_client, ensure_topics
from shared.kafka.consumer import make_kafka_consumer
from shared.kafka.producer import EventProducer, TopicOf, catalog_topic, make_kafka_producer
from shared.kafka.topics import ORDERS, SHIPPERS, TRACKING
from shared.logs import configure_logging
from shared.mongo.batch_store import MongoDocumentStore
from shared.mongo.client import apply_indexes, database_for
from shared.mongo.outbox import OutboxRelay
from shared.readiness import readiness_checks
from shared.resilience import closed_on_failure

SERVICE = "shipping"
CONSUMER_GROUP = "shipping"
CONSUMED_TOPICS = [ORDERS.name, SHIPPERS.name, TRACKING.name]
CACHED_SHIPMENTS = 5_000  # per consumer process: ~3 kB each


def settings() -> Settings:
    """The service's settings; raises ConfigError naming every bad variable."""
    loaded = load_settings(MANIFEST)
    configure_logging(SERVICE, loaded.log_level)
    return loaded


def database(settings: Settings) -> Callable[[], Database]:
    """The database, resolved on each call: client_for makes one client per process, after any fork."""
    return partial(database_for, settings.mongo)


def load_options(environ: Mapping[str, str]) -> ShippingOptions:
    """The shipping service's own variables; raises ConfigError naming every bad one."""
    reader = EnvReader(environ)
    options = ShippingOptions(
        outbox_sweep_seconds=reader.number("SHIPPING_OUTBOX_SWEEP_SECONDS", 5.0, 0.05, 3600),
        outbox_grace_seconds=reader.number("SHIPPING_OUTBOX_GRACE_SECONDS", 15.0, 1, 3600),
    )
    reader.check()
    return options


def deps(settings: Settings) -> Deps:
    return Deps(keys=MongoKeyRegistry(database(settings)))


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


def shipping_unit(deps: Deps, store: DocumentStore, publisher: Publisher,
                  cache: DocumentCache | None = None) -> BatchUnit:
    """The handlers' routing table as a batch unit over `store`; `publisher` carries the shipments' outbox."""
    routes = {kind: Route(SHIPMENTS, partial(handler, deps=deps), locate=locate)
              for kind, (handler, locate) in handlers.HANDLERS.items()}
    after_write = {kind: partial(hook, deps=deps) for kind, hook in handlers.AFTER_WRITE.items()}
    codecs = {SHIPMENTS: SHIPMENT_CODEC, BOOKINGS: REFUSAL_CODEC}
    return BatchUnit(store, publisher, codecs, routes, after_write, cache)


def consumer_runner(settings: Settings, stop: threading.Event, topics: Sequence[str] = CONSUMED_TOPICS,
                    group: str = CONSUMER_GROUP, topic_of: TopicOf = catalog_topic, **overrides) -> BatchRunner:
    """The consumer: one producer publishes the unit's outbox (through `topic_of`) and dead-letters."""
    producer = EventProducer(make_kafka_producer(settings.kafka), topic_of)
    with closed_on_failure(producer):  # a start-up attempt that fails (broker or store down) leaks no producer
        unit = shipping_unit(deps(settings), MongoDocumentStore(database(settings)()), producer,
                             DocumentCache(CACHED_SHIPMENTS))
        consumer = make_kafka_consumer(settings.kafka, group, list(topics), ForgetOnRevoke(unit.forget),
                                       **overrides)
    return BatchRunner(consumer, producer, unit, group, stop=stop)


def outbox_relay(settings: Settings, options: ShippingOptions | None = None,
                 topic_of: TopicOf = catalog_topic) -> OutboxRelay:
    """Only a crash sweeper: the consumer publishes its documents' events right after writing them."""
    options = options or load_options(os.environ)
    db = database(settings)()
    producer = EventProducer(make_kafka_producer(settings.kafka), topic_of)
    return OutboxRelay([db[name] for name in OUTBOX_COLLECTIONS], producer, grace=options.outbox_grace_seconds,
                       interval=options.outbox_sweep_seconds)
