"""The one place that reads configuration and wires the shipping service's clients.

Besides shared.config's variables, the shipping service reads (here, and only here)
`SHIPPING_OUTBOX_SWEEP_SECONDS` (5) and `SHIPPING_OUTBOX_GRACE_SECONDS` (15): how often the relay sweeps for
events a crashed consumer left unpublished, and how old they must be (the live consumer publishes its own).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from pymongo.collection import Collection

from services.shipping.adapters.repository import (
    INDEXES,
    OUTBOX_COLLECTIONS,
    MongoKeyRegistry,
    MongoShipmentRepository,
)
from services.shipping.api import shipping_blueprint
from services.shipping.handlers import Deps
from services.shipping.manifest import MANIFEST
from services.shipping.options import ShippingOptions
from shared.config import EnvReader, Settings, load_settings
from shared.http.app import create_app as create_flask_app
from shared.http.auth import authenticate
from shared.kafka.admin import admin_client, ensure_topics
from shared.kafka.producer import EventProducer, TopicOf, catalog_topic, make_kafka_producer
from shared.logs import configure_logging
from shared.mongo.client import IndexedDatabase
from shared.readiness import readiness_checks


def load_options(environ: Mapping[str, str]) -> ShippingOptions:
    """The shipping service's own variables; raises ConfigError naming every bad one."""
    reader = EnvReader(environ)
    options = ShippingOptions(
        outbox_sweep_seconds=reader.number("SHIPPING_OUTBOX_SWEEP_SECONDS", 5.0, 0.05, 3600),
        outbox_grace_seconds=reader.number("SHIPPING_OUTBOX_GRACE_SECONDS", 15.0, 1, 3600),
    )
    reader.check()
    return options


class ShippingService:
    """Settings plus lazily made, per-process clients; `topic_of` routes what it publishes (tests)."""

    def __init__(self, settings: Settings, options: ShippingOptions | None = None,
                 topic_of: TopicOf = catalog_topic):
        self.settings = settings
        self.options = options or ShippingOptions()
        self.topic_of = topic_of
        # Indexes are applied on first use in each process, so a web worker or consumer never runs unindexed.
        self.database = IndexedDatabase(settings.mongo, INDEXES)
        self.readiness = readiness_checks(settings, f"{settings.kafka.client_id}-ready")

    def deps(self) -> Deps:
        return Deps(keys=MongoKeyRegistry(self.database))

    def shipments(self) -> MongoShipmentRepository:
        return MongoShipmentRepository(self.database)

    def caller(self) -> str:
        return authenticate(MongoKeyRegistry(self.database).collection)

    def outbox_collections(self) -> list[Collection]:
        db = self.database()
        return [db[name] for name in OUTBOX_COLLECTIONS]

    def producer(self) -> EventProducer:
        return EventProducer(make_kafka_producer(self.settings.kafka), self.topic_of)

    def prepare_topics(self) -> None:
        admin = admin_client(self.settings.kafka.bootstrap_servers,
                             client_id=f"{self.settings.kafka.client_id}-admin")
        try:
            ensure_topics(admin)
        finally:
            admin.close()


def bootstrap(environ: Mapping[str, str] | None = None, topic_of: TopicOf = catalog_topic) -> ShippingService:
    """Read the configuration once and set up logging; no connection is opened yet."""
    environ = os.environ if environ is None else environ
    settings = load_settings(MANIFEST, environ)
    configure_logging(MANIFEST.name, settings.log_level)
    return ShippingService(settings, load_options(environ), topic_of)


def create_shipping_app(service: ShippingService) -> Flask:
    """The HTTP app; no connection is opened until the first request of each process."""
    return create_flask_app(MANIFEST.name, [shipping_blueprint(service)], readiness=service.readiness,
                            max_body_bytes=service.settings.max_body_bytes)
