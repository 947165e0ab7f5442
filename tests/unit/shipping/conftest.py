"""In-memory fakes of the shipping ports, the consumer's unit over them, and a valid `order.placed` to vary."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from services.shipping.adapters.repository import SHIPMENTS, KeyRegistry, ShipmentRepository, shipment_from
from services.shipping.domain.model import Shipment
from services.shipping.handlers import Deps
from services.shipping.worker import shipping_unit
from shared.batch.ports import Write
from shared.batch.unit import BatchUnit
from shared.mongo.documents import Document
from tests.unit.shipping.shipping_samples import NOW, order_placed_data
from tests.unit.support import FakeDocumentStore, FakePublisher

UNIQUE_NUMBERS = ("order_id", "sf_waybill", "ups_tracking_number")


class FakeShippingStore(FakeDocumentStore):
    """The fake store with the shipments' unique indexes: an insert whose order or number is taken misses."""

    def write(self, collection: str, writes: Sequence[Write]) -> dict[str, Document | None]:
        if collection != SHIPMENTS:
            return super().write(collection, writes)
        taken = {(f, d.get(f)) for d in self.documents(SHIPMENTS).values() for f in UNIQUE_NUMBERS}
        clashing = {w.doc_id for w in writes
                    if w.version is None and any((f, w.document.get(f)) in taken for f in UNIQUE_NUMBERS)}
        missed = super().write(collection, [w for w in writes if w.doc_id not in clashing])
        return {**missed, **{doc_id: self.documents(SHIPMENTS).get(doc_id) for doc_id in clashing}}


class FakeShipmentRepository(ShipmentRepository):
    """Reads the shipments the unit wrote to the fake store."""

    def __init__(self, store: FakeDocumentStore) -> None:
        self.store = store

    def get(self, shipment_id: str) -> Shipment | None:
        document = self.store.documents(SHIPMENTS).get(shipment_id)
        return None if document is None else shipment_from(document)


class FakeKeyRegistry(KeyRegistry):
    def __init__(self) -> None:
        self.keys: dict[str, dict[str, Any]] = {}
        self.writes = 0

    def register(self, keys: Sequence[tuple[str, str, str]]) -> None:
        self.writes += 1
        for key_hash, shipper_id, key_id in keys:
            self.keys.setdefault(key_hash, {"shipper_id": shipper_id, "key_id": key_id, "revoked": False})

    def revoke(self, keys: Sequence[tuple[str, str, str]]) -> None:
        self.writes += 1
        for key_hash, shipper_id, key_id in keys:
            self.keys.setdefault(key_hash, {"shipper_id": shipper_id, "key_id": key_id})["revoked"] = True


@pytest.fixture
def store() -> FakeShippingStore:
    return FakeShippingStore()


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
def deps() -> Deps:
    return Deps(keys=FakeKeyRegistry(), clock=lambda: NOW, randbelow=random.Random(7).randrange)


@pytest.fixture
def unit(deps: Deps, store: FakeShippingStore, publisher: FakePublisher) -> BatchUnit:
    return shipping_unit(deps, store, publisher)


@pytest.fixture
def shipments(store: FakeShippingStore) -> FakeShipmentRepository:
    return FakeShipmentRepository(store)


@pytest.fixture
def sample() -> Callable[..., dict[str, Any]]:
    return order_placed_data
