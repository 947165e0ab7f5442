"""In-memory fakes of the orders repositories (same interfaces as the MongoDB ones) and test data."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.orders.adapters.repository import (
    OrderChange,
    OrderExists,
    OrderQuery,
    OrderRepository,
    ShipperRepository,
)
from services.orders.domain.model import Order, OrderNotFound
from services.orders.domain.shippers import Shipper
from services.orders.openapi import EXAMPLE_ORDER
from shared.events.envelope import CloudEvent


class FakeOrderRepository(OrderRepository):
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.outbox: dict[str, list[CloudEvent]] = {}
        self.applied: dict[str, set[str]] = {}

    def get(self, order_id: str) -> Order | None:
        order = self.orders.get(order_id)
        return copy.deepcopy(order) if order else None

    def add(self, order: Order, events: Sequence[CloudEvent]) -> None:
        if order.id in self.orders:
            raise OrderExists(order.id)
        self._store(order, events)

    def save(self, order: Order, events: Sequence[CloudEvent]) -> None:
        self._store(order, events)

    def apply_once(self, order_id: str, event_id: str, change: OrderChange) -> bool:
        order = self.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        if event_id in self.applied.setdefault(order_id, set()):
            return False
        self._store(order, change(order))
        self.applied[order_id].add(event_id)
        return True

    def page(self, query: OrderQuery) -> list[Order]:
        found = [
            o for o in self.orders.values()
            if o.shipper_id == query.shipper_id
            and (query.status is None or o.status == query.status)
            and (query.created_from is None or o.created_at >= query.created_from)
            and (query.created_to is None or o.created_at <= query.created_to)
            and (query.after is None or (o.created_at, o.id) < query.after)
        ]
        found.sort(key=lambda o: (o.created_at, o.id), reverse=True)
        return copy.deepcopy(found[: query.limit])

    def events_of(self, order_id: str) -> list[str]:
        return [event.short_type for event in self.outbox.get(order_id, [])]

    def _store(self, order: Order, events: Sequence[CloudEvent]) -> None:
        stored = copy.deepcopy(order)
        stored.events.clear()
        self.orders[order.id] = stored
        self.outbox.setdefault(order.id, []).extend(events)


class FakeShipperRepository(ShipperRepository):
    def __init__(self) -> None:
        self.shippers: dict[str, Shipper] = {}
        self.outbox: dict[str, list[CloudEvent]] = {}

    def add(self, shipper: Shipper, events: Sequence[CloudEvent]) -> None:
        self.save(shipper, events)

    def get(self, shipper_id: str) -> Shipper | None:
        shipper = self.shippers.get(shipper_id)
        return copy.deepcopy(shipper) if shipper else None

    def list(self) -> list[Shipper]:
        return [copy.deepcopy(s) for s in self.shippers.values()]

    def save(self, shipper: Shipper, events: Sequence[CloudEvent]) -> None:
        stored = copy.deepcopy(shipper)
        stored.events.clear()
        self.shippers[shipper.id] = stored
        self.outbox.setdefault(shipper.id, []).extend(events)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def orders() -> FakeOrderRepository:
    return FakeOrderRepository()


@pytest.fixture
def shippers() -> FakeShipperRepository:
    return FakeShipperRepository()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def body() -> dict[str, Any]:
    """A complete, valid `POST /v1/orders` body (the OpenAPI example)."""
    return copy.deepcopy(EXAMPLE_ORDER)
