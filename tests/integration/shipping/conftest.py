"""A throwaway database per test (dropped afterwards), wired the way bootstrap wires production."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from pymongo.database import Database

from services.shipping.adapters.repository import INDEXES, MongoKeyRegistry, MongoShipmentRepository
from services.shipping.handlers import Deps
from shared.config import Settings, load_settings
from shared.mongo.client import apply_indexes, database_for


@pytest.fixture
def settings() -> Settings:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    name = f"parcelbridge_test_shipping_{uuid.uuid4().hex[:12]}"
    environ = {**os.environ, "SHIPPING_MONGODB_URI": f"mongodb://127.0.0.1:{port}/{name}"}
    return load_settings("shipping", environ)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = database_for(settings.mongo)
    apply_indexes(database, INDEXES)
    yield database
    database.client.drop_database(database.name)


@pytest.fixture
def deps(db: Database) -> Deps:
    return Deps(shipments=MongoShipmentRepository(lambda: db), keys=MongoKeyRegistry(lambda: db))
