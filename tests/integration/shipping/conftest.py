"""A throwaway database and topic per test (dropped afterwards), wired the way bootstrap wires production."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from pymongo.database import Database

from ops.registry import settings_of
from services.shipping.adapters.repository import INDEXES, MongoKeyRegistry
from services.shipping.handlers import Deps
from services.shipping.worker import shipping_unit
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.unit import BatchUnit
from shared.config import Settings
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.mongo.client import apply_indexes, database_for


@pytest.fixture
def settings() -> Settings:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    name = f"parcelbridge_test_shipping_{uuid.uuid4().hex[:12]}"
    environ = {**os.environ, "SHIPPING_MONGODB_URI": f"mongodb://127.0.0.1:{port}/{name}", "LOG_LEVEL": "WARNING"}
    return settings_of("shipping", environ)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = database_for(settings.mongo)
    apply_indexes(database, INDEXES)
    yield database
    database.client.drop_database(database.name)


@pytest.fixture
def deps(db: Database) -> Deps:
    return Deps(keys=MongoKeyRegistry(lambda: db))


@pytest.fixture
def shipments_topic(make_topic: Callable[..., str]) -> str:
    """A throwaway stand-in for shipments.v1: everything the shipping service publishes goes there."""
    return make_topic()


@pytest.fixture
def publisher(settings: Settings, shipments_topic: str) -> Iterator[EventProducer]:
    producer = EventProducer(make_kafka_producer(settings.kafka), topic_of=lambda short_type: shipments_topic)
    yield producer
    producer.close()


@pytest.fixture
def unit(deps: Deps, db: Database, publisher: EventProducer) -> BatchUnit:
    """The consumer's unit on the real store, publishing to the throwaway topic."""
    return shipping_unit(deps, MongoDocumentStore(db), publisher)
