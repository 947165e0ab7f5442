import random
from dataclasses import replace

import pytest
from shipping_store_samples import order_placed

from services.shipping.adapters.repository import NumberTaken
from services.shipping.domain.booking import book
from services.shipping.domain.model import Refusal, Status
from services.shipping.domain.numbers import new_numbers
from services.shipping.messages import booked_event, order_from_event
from shared.events.schemas.orders import OrderPlaced

pytestmark = pytest.mark.integration


def _shipment(order_id="ord_001", seed=1):
    order = order_from_event(OrderPlaced.model_validate(order_placed(order_id).data))
    return book(order, order_placed().time, lambda: new_numbers(random.Random(seed).randrange, "express"))


def test_a_shipment_round_trips_exactly(deps):
    shipment = _shipment()
    assert deps.shipments.add(shipment, [booked_event(shipment, None)])
    assert deps.shipments.get(shipment.shipment_id) == shipment


def test_a_second_shipment_for_the_same_order_is_detected_by_the_unique_index(deps, db):
    first, second = _shipment(seed=1), _shipment(seed=2)
    assert deps.shipments.add(first, [booked_event(first, None)])
    assert not deps.shipments.add(second, [booked_event(second, None)])
    assert db.shipments.count_documents({}) == 1
    assert deps.shipments.shipment_id_for_order("ord_001") == first.shipment_id


def test_a_colliding_number_of_another_order_raises_number_taken(deps):
    first = _shipment("ord_001", seed=1)
    deps.shipments.add(first, [])
    same_numbers = replace(_shipment("ord_002", seed=2), ups_tracking_number=first.ups_tracking_number)
    with pytest.raises(NumberTaken):
        deps.shipments.add(same_numbers, [])


def test_the_order_pointer_is_repaired_after_a_crash_between_the_two_writes(deps, db):
    shipment = _shipment()
    deps.shipments.add(shipment, [])
    db.bookings.delete_many({})
    assert deps.shipments.shipment_id_for_order("ord_001") == shipment.shipment_id  # fallback scan
    assert not deps.shipments.add(_shipment(seed=9), [])
    assert db.bookings.find_one({"_id": "ord_001"})["shipment_id"] == shipment.shipment_id


def test_a_refusal_is_stored_once_with_its_outbox(deps, db):
    refusal = Refusal("ord_009", "shp_a", "overweight", "too heavy")
    assert deps.shipments.add_refusal(refusal, [])
    assert not deps.shipments.add_refusal(refusal, [])
    assert deps.shipments.order_seen("ord_009")
    assert deps.shipments.shipment_id_for_order("ord_009") is None


def test_an_update_applies_once_per_event_id(deps):
    shipment = _shipment()
    deps.shipments.add(shipment, [])
    at = order_placed().time
    assert deps.shipments.update(shipment.shipment_id, "evt-1", lambda s: (s.cancel(at), []))
    assert not deps.shipments.update(shipment.shipment_id, "evt-1", lambda s: (s.mark_picked_up(at), []))
    assert deps.shipments.get(shipment.shipment_id).status is Status.CANCELLED


def test_a_revoked_key_stays_revoked_when_its_issue_is_replayed(deps, db):
    deps.keys.register("a" * 64, "shp_a", "k1")
    deps.keys.revoke("a" * 64, "shp_a", "k1")
    deps.keys.register("a" * 64, "shp_a", "k1")
    assert db.api_keys.find_one({"_id": "a" * 64}) == {"_id": "a" * 64, "shipper_id": "shp_a", "key_id": "k1",
                                                        "revoked": True}
