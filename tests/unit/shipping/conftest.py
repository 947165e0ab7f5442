"""In-memory fakes of the shipping ports, and a valid `order.placed` payload to vary."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from shipping_samples import NOW, order_placed_data

from services.shipping.adapters.repository import Change, KeyRegistry, NumberTaken, ShipmentRepository
from services.shipping.domain.model import Refusal, Shipment
from services.shipping.handlers import Deps
from shared.events.envelope import CloudEvent


class FakeShipmentRepository(ShipmentRepository):
    """Same contract as the MongoDB one; `outbox` collects every event that would be relayed."""

    def __init__(self) -> None:
        self.shipments: dict[str, Shipment] = {}
        self.bookings: dict[str, str | None] = {}
        self.refusals: dict[str, Refusal] = {}
        self.applied: dict[str, set[str]] = {}
        self.outbox: list[CloudEvent] = []
        self.numbers_in_use: set[str] = set()

    def add(self, shipment: Shipment, events: Sequence[CloudEvent]) -> bool:
        existing = next((s for s in self.shipments.values() if s.order_id == shipment.order_id), None)
        if existing is not None:
            self.bookings.setdefault(shipment.order_id, existing.shipment_id)
            return False
        numbers = {shipment.shipment_id, shipment.sf_waybill, shipment.ups_tracking_number}
        if numbers & self.numbers_in_use:
            raise NumberTaken(shipment.shipment_id)
        self.numbers_in_use |= numbers
        self.shipments[shipment.shipment_id] = shipment
        self.bookings[shipment.order_id] = shipment.shipment_id
        self.outbox.extend(events)
        return True

    def add_refusal(self, refusal: Refusal, events: Sequence[CloudEvent]) -> bool:
        if refusal.order_id in self.bookings:
            return False
        self.bookings[refusal.order_id] = None
        self.refusals[refusal.order_id] = refusal
        self.outbox.extend(events)
        return True

    def order_seen(self, order_id: str) -> bool:
        return order_id in self.bookings

    def shipment_id_for_order(self, order_id: str) -> str | None:
        return self.bookings.get(order_id)

    def get(self, shipment_id: str) -> Shipment | None:
        return self.shipments.get(shipment_id)

    def update(self, shipment_id: str, event_id: str, change: Change) -> bool:
        if shipment_id not in self.shipments:
            raise LookupError(shipment_id)
        applied = self.applied.setdefault(shipment_id, set())
        if event_id in applied:
            return False
        shipment, events = change(self.shipments[shipment_id])
        self.shipments[shipment_id] = shipment
        self.outbox.extend(events)
        applied.add(event_id)
        return True


class FakeKeyRegistry(KeyRegistry):
    def __init__(self) -> None:
        self.keys: dict[str, dict[str, Any]] = {}

    def register(self, key_hash: str, shipper_id: str, key_id: str) -> None:
        self.keys.setdefault(key_hash, {"shipper_id": shipper_id, "key_id": key_id, "revoked": False})

    def revoke(self, key_hash: str, shipper_id: str, key_id: str) -> None:
        self.keys.setdefault(key_hash, {"shipper_id": shipper_id, "key_id": key_id})["revoked"] = True


@pytest.fixture
def deps() -> Deps:
    return Deps(
        shipments=FakeShipmentRepository(),
        keys=FakeKeyRegistry(),
        clock=lambda: NOW,
        randbelow=random.Random(7).randrange,
    )


@pytest.fixture
def sample() -> Callable[..., dict[str, Any]]:
    return order_placed_data
