"""In-memory fakes of the orders repositories (same interfaces as the MongoDB ones) and test data."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from services.orders.adapters.order_codec import load_queued
from services.orders.adapters.repository import (
    ORDERS,
    OrderExists,
    OrderQuery,
    OrderRepository,
    ShipperRepository,
    new_document,
    order_document,
    order_from_document,
)
from services.orders.domain.model import Order
from services.orders.domain.shippers import Shipper
from services.orders.openapi import EXAMPLE_ORDER
from services.orders.webhooks.adapters.queue import WEBHOOK_OUTBOX, WEBHOOK_QUEUE, DeliveryQueue, QueuedDeliveries
from services.orders.webhooks.adapters.repository import (
    DeliveryQuery,
    DeliveryRepository,
    WebhookExists,
    WebhookRepository,
)
from services.orders.webhooks.adapters.sender import Sender, TargetChecker
from services.orders.webhooks.domain.model import Delivery, Outcome, PendingDelivery, Webhook
from services.orders.worker import consumer_deps, order_unit
from shared.batch.fold import Rejection
from shared.events.envelope import CloudEvent, from_document
from shared.mongo.documents import Document, with_events
from tests.unit.support import Clock, FakeDocumentStore, FakePublisher


class FakeOrderRepository(OrderRepository):
    """Orders as documents in a fake document store, the same documents the consumer's batch unit works on."""

    def __init__(self, store: FakeDocumentStore | None = None) -> None:
        self.store = store or FakeDocumentStore()

    @property
    def documents(self) -> dict[str, Document]:
        return self.store.documents(ORDERS)

    @property
    def orders(self) -> dict[str, Order]:
        return {order_id: order_from_document(d) for order_id, d in self.documents.items()}

    @property
    def outbox(self) -> dict[str, list[CloudEvent]]:
        """The events stored with each order (nobody publishes them here)."""
        return {order_id: [from_document(e) for e in d["outbox"]] for order_id, d in self.documents.items()}

    @property
    def webhook_outbox(self) -> dict[str, list[PendingDelivery]]:
        return {order_id: load_queued(d).deliveries for order_id, d in self.documents.items()}

    def get(self, order_id: str) -> Order | None:
        document = self.documents.get(order_id)
        return order_from_document(copy.deepcopy(document)) if document else None

    def add(self, order: Order, events: Sequence[CloudEvent]) -> None:
        if order.id in self.documents:
            raise OrderExists(order.id)
        self.documents[order.id] = new_document(order_document(order), events)

    def save(self, order: Order, events: Sequence[CloudEvent]) -> None:
        base = self.documents[order.id]
        changed = with_events({**base, **order_document(order)}, events)
        self.documents[order.id] = {**changed, "version": base["version"] + 1}

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


class FakeWebhookRepository(WebhookRepository):
    def __init__(self) -> None:
        self.webhooks: dict[str, Webhook] = {}

    def add(self, webhook: Webhook) -> None:
        if webhook.id in self.webhooks:
            raise WebhookExists(webhook.id)
        self.webhooks[webhook.id] = copy.deepcopy(webhook)

    def get(self, webhook_id: str) -> Webhook | None:
        return copy.deepcopy(self.webhooks.get(webhook_id))

    def for_shipper(self, shipper_id: str) -> list[Webhook]:
        found = sorted((w for w in self.webhooks.values() if w.shipper_id == shipper_id), key=lambda w: w.created_at)
        return copy.deepcopy(found)

    def save(self, webhook: Webhook) -> None:
        if webhook.id in self.webhooks:
            self.webhooks[webhook.id] = copy.deepcopy(webhook)

    def delete(self, webhook_id: str) -> None:
        self.webhooks.pop(webhook_id, None)


class FakeDeliveryRepository(DeliveryRepository):
    def __init__(self) -> None:
        self.deliveries: dict[str, Delivery] = {}

    def add(self, delivery: Delivery) -> bool:
        if delivery.id in self.deliveries:
            return False
        self.deliveries[delivery.id] = copy.deepcopy(delivery)
        return True

    def save(self, delivery: Delivery) -> None:
        self.deliveries[delivery.id] = copy.deepcopy(delivery)

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        found = [d for d in self.deliveries.values() if d.state == "pending" and d.next_attempt_at <= now]
        return copy.deepcopy(sorted(found, key=lambda d: d.next_attempt_at)[:limit])

    def page(self, query: DeliveryQuery) -> list[Delivery]:
        found = [d for d in self.deliveries.values() if d.webhook_id == query.webhook_id
                 and (query.after is None or (d.created_at, d.id) < query.after)]
        return copy.deepcopy(sorted(found, key=lambda d: (d.created_at, d.id), reverse=True)[: query.limit])


class FakeDeliveryQueue(DeliveryQueue):
    """The deliveries queued on the fake order documents."""

    def __init__(self, orders: FakeOrderRepository) -> None:
        self.orders = orders

    def pending(self, limit: int) -> list[QueuedDeliveries]:
        queued = [(order_id, items) for order_id, items in self.orders.webhook_outbox.items() if items]
        return [QueuedDeliveries(order_id, self.orders.documents[order_id]["shipper_id"], list(items))
                for order_id, items in queued[:limit]]

    def remove(self, order_id: str, delivery_ids: set[str]) -> None:
        document = self.orders.documents[order_id]
        remaining = [p for p in document.get(WEBHOOK_OUTBOX, []) if p["delivery_id"] not in delivery_ids]
        self.orders.documents[order_id] = {**document, WEBHOOK_OUTBOX: remaining,
                                           WEBHOOK_QUEUE.flag: bool(remaining), "version": document["version"] + 1}


class FakeSender(Sender):
    """Answers with the next scripted status (the last one repeats) and remembers every request."""

    def __init__(self, *statuses: int | None) -> None:
        self.statuses = list(statuses) or [200]
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    def post(self, url: str, body: str, headers: Mapping[str, str], timeout: float) -> Outcome:
        self.requests.append((url, body, dict(headers)))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return Outcome(status, None if status else "ConnectionRefusedError: refused", 12)


def fake_resolver(table: dict[str, list[str]]):
    """A resolver answering from a table (unknown names resolve to nothing)."""
    return lambda host, _port: list(table.get(host, []))


PUBLIC_RESOLVER = fake_resolver({"hooks.example.com": ["93.184.216.34"], "internal.example.com": ["10.0.0.7"],
                                 "localhost": ["127.0.0.1", "::1"]})


@pytest.fixture
def orders() -> FakeOrderRepository:
    return FakeOrderRepository()


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
def consume(orders, webhooks, publisher, clock) -> Callable[..., list[Rejection]]:
    """Applies events as the orders consumer does, as one batch; returns the events refused, with why."""
    unit = order_unit(consumer_deps(webhooks, clock), orders.store, publisher)
    return lambda *events: unit.apply(list(events))


@pytest.fixture
def shippers() -> FakeShipperRepository:
    return FakeShipperRepository()


@pytest.fixture
def webhooks() -> FakeWebhookRepository:
    return FakeWebhookRepository()


@pytest.fixture
def deliveries() -> FakeDeliveryRepository:
    return FakeDeliveryRepository()


@pytest.fixture
def checker() -> TargetChecker:
    return TargetChecker(PUBLIC_RESOLVER)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 6, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def body() -> dict[str, Any]:
    """A complete, valid `POST /v1/orders` body (the OpenAPI example)."""
    return copy.deepcopy(EXAMPLE_ORDER)
