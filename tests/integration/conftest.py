"""Integration tests use the real Kafka broker and FerretDB started by `parcelbridge infra up`.

Each test gets throwaway topics and a throwaway database so runs never see each other's data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from kafka import KafkaAdminClient
from pymongo.database import Database

from ops.registry import settings_of
from shared.config import KafkaSettings, MongoSettings
from shared.kafka.admin import admin_client, broker_reachable
from shared.mongo.client import client_for, store_reachable

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def kafka_settings() -> KafkaSettings:
    return settings_of("orders").kafka


@pytest.fixture(scope="session")
def admin(kafka_settings: KafkaSettings) -> Iterator[KafkaAdminClient]:
    client = admin_client(kafka_settings.bootstrap_servers)
    if not broker_reachable(client):
        pytest.fail(f"Kafka is not reachable at {kafka_settings.bootstrap_servers}; run `make infra-up`")
    yield client
    client.close()


@pytest.fixture
def make_topic(admin: KafkaAdminClient) -> Iterator[Callable[..., str]]:
    """Creates `test.<uuid>` topics (and their .dlq) and deletes them after the test."""
    created: list[str] = []

    def _make(partitions: int = 1) -> str:
        name = f"test.{uuid.uuid4().hex[:12]}"
        specs = {
            name: {"num_partitions": partitions, "replication_factor": 1},
            name + ".dlq": {"num_partitions": 1, "replication_factor": 1},
        }
        admin.create_topics(specs, wait_for_metadata=True)
        created.extend(specs)
        return name

    yield _make
    if created:
        admin.delete_topics(created)


@pytest.fixture
def mongo_db() -> Iterator[Database]:
    base = settings_of("orders").mongo
    settings = MongoSettings(uri=base.uri, database=f"parcelbridge_test_{uuid.uuid4().hex[:12]}")
    client = client_for(settings)
    db = client[settings.database]
    if not store_reachable(db):
        pytest.fail(f"the store is not reachable at {settings.uri}; run `make infra-up`")
    yield db
    client.drop_database(settings.database)
