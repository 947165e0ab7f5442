import random

import pytest

from services.shipping.adapters.repository import SHIPMENT_CODEC, MongoShipmentRepository
from services.shipping.domain.booking import book
from services.shipping.domain.numbers import numbers_for_order
from services.shipping.messages import order_from_event
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.ports import Write
from shared.events.schemas.orders import OrderPlaced
from tests.integration.shipping.shipping_store_samples import order_placed

pytestmark = pytest.mark.integration


def _shipment(order_id="ord_001", seed=1):
    order = order_from_event(OrderPlaced.model_validate(order_placed(order_id).data))
    draws = random.Random(seed).randrange
    return book(order, order_placed().time, lambda: numbers_for_order(order_id, draws, "express"))


def _insert(db, shipment, doc_id=None):
    document = {**SHIPMENT_CODEC.dump(shipment), "_id": doc_id or shipment.shipment_id, "version": 1}
    return MongoDocumentStore(db).write("shipments", [Write(document["_id"], None, document)])


def test_a_shipment_round_trips_exactly(db):
    shipment = _shipment()
    assert _insert(db, shipment) == {}
    assert MongoShipmentRepository(lambda: db).get(shipment.shipment_id) == shipment


def test_a_second_shipment_for_the_same_order_is_refused_by_the_unique_index(db):
    _insert(db, _shipment(seed=1))
    assert _insert(db, _shipment(seed=2), doc_id="PBOTHER") == {"PBOTHER": None}
    assert db.shipments.count_documents({}) == 1


def test_a_revoked_key_stays_revoked_when_its_issue_is_replayed(deps, db):
    deps.keys.register([("a" * 64, "shp_a", "k1")])
    deps.keys.revoke([("a" * 64, "shp_a", "k1"), ("b" * 64, "shp_b", "k2")])
    deps.keys.register([("a" * 64, "shp_a", "k1"), ("c" * 64, "shp_c", "k3")])
    assert {d["_id"][0]: d["revoked"] for d in db.api_keys.find()} == {"a": True, "b": True, "c": False}
    assert db.api_keys.find_one({"_id": "a" * 64}) == {"_id": "a" * 64, "shipper_id": "shp_a", "key_id": "k1",
                                                        "revoked": True}
