"""Listing a shipper's orders on the real FerretDB: `_id` range reads of `shipper_orders`, and older orders."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from pymongo import MongoClient, monitoring

from ops.cli.main import cli
from services.orders.adapters.listing import ORDER_LISTING
from services.orders.adapters.listing_keys import listing_key, sortable_time
from services.orders.adapters.repository import ORDERS, MongoOrderRepository, OrderQuery, order_document
from services.orders.bootstrap import OrdersService
from services.orders.domain.model import Order
from services.orders.domain.placement import OrderRequest
from services.orders.handlers import SOURCE
from services.orders.openapi import EXAMPLE_ORDER
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.writer import OutboxWriter
from shared.events.envelope import new_events
from shared.mongo.documents import VersionedCollection

pytestmark = pytest.mark.integration
ORDERS_URL = "/v1/orders"
DETAILS = OrderRequest.model_validate(EXAMPLE_ORDER).model_dump(mode="json")


class CommandLog(monitoring.CommandListener):
    """Every find and insert sent, as (name, collection, filter)."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in ("find", "insert", "update", "delete", "getMore", "aggregate"):
            command = event.command
            self.commands.append((event.command_name, command[event.command_name], command.get("filter")))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def _order(shipper_id: str, created_at: datetime, rng: random.Random, status: str = "placed") -> Order:
    order_id = "ord_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(20))
    order = Order.place(order_id, shipper_id, DETAILS, "f" * 64, created_at)
    order.status = status
    return order


def _ids(orders: list[Order]) -> list[str]:
    return [order.id for order in orders]


def _stored_before_listings(service: OrdersService, orders: list[Order]) -> None:
    """Orders as the previous version stored them: no listing entry."""
    store = VersionedCollection(service.database()[ORDERS])
    for order in orders:
        store.insert(order_document(order))


def test_pages_come_newest_first_by_id_range_with_cursor_and_filters(service, shipper):
    rng, start = random.Random(5), datetime(2025, 6, 1, tzinfo=UTC)
    repository = service.orders()
    placed = [_order(shipper.id, start + timedelta(milliseconds=500 * (n // 2)), rng, ("placed", "booked")[n % 3 == 0])
              for n in range(25)]
    for order in placed:
        repository.add(order, [])
    newest_first = sorted(placed, key=lambda o: (o.created_at, o.id), reverse=True)

    first = repository.page(OrderQuery(shipper.id, limit=10))
    after = (first[-1].created_at, first[-1].id)
    second = repository.page(OrderQuery(shipper.id, limit=10, after=after))
    booked = repository.page(OrderQuery(shipper.id, limit=100, status="booked"))
    window = repository.page(OrderQuery(shipper.id, limit=100, created_from=start + timedelta(seconds=1),
                                        created_to=start + timedelta(seconds=3)))

    assert _ids(first + second) == _ids(newest_first[:20])
    assert _ids(booked) == _ids([o for o in newest_first if o.status == "booked"])
    assert _ids(window) == _ids([o for o in newest_first if start + timedelta(seconds=1) <= o.created_at
                                 <= start + timedelta(seconds=3)])


def test_a_page_reads_its_newest_windows_by_id_range_then_its_orders_in_one_in_read(service, shipper):
    rng, start = random.Random(6), datetime(2025, 6, 1, tzinfo=UTC)
    log = CommandLog()
    client = MongoClient(service.settings.mongo.uri, tz_aware=True, event_listeners=[log])
    try:
        db = client[service.settings.mongo.database]
        writer = OutboxWriter(MongoDocumentStore(db), service.publisher)
        repository = MongoOrderRepository(db, writer, clock=lambda: start + second(41))
        orders = [_order(shipper.id, start + second(10 * n), rng) for n in range(5)]
        for order in orders:
            repository.add(order, new_events(SOURCE, order.id, order.events, None))
        placement, log.commands = log.commands, []
        found = repository.page(OrderQuery(shipper.id, limit=3))
    finally:
        client.close()

    # The listing entry, then the writer's hint, order, publish (no command), trim and unhint.
    assert [(name, collection) for name, collection, _ in placement] == [
        ("insert", ORDER_LISTING), ("update", "outbox_hints"), ("insert", ORDERS), ("update", ORDERS),
        ("delete", "outbox_hints")] * 5
    at = {n: f"{shipper.id}|{sortable_time(start + second(n))}" for n in (101, 40, 33, -23)}  # now - 1 s, 8 s, 64 s
    assert log.commands == [
        ("find", ORDER_LISTING, {"_id": {"$gte": at[40], "$lt": at[101] + "}"}}),  # up to now + 1 min
        ("find", ORDER_LISTING, {"_id": {"$gte": at[33], "$lt": at[40]}}),
        ("find", ORDER_LISTING, {"_id": {"$gte": at[-23], "$lt": at[33]}}),
        ("find", ORDERS, {"_id": {"$in": sorted(_ids(orders[2:]))}}),
    ]
    assert _ids(found) == _ids(orders[::-1][:3])


def second(n: float) -> timedelta:
    return timedelta(seconds=n)


def test_orders_stored_before_listings_are_listed_once_backfilled(service, shipper):
    rng, start = random.Random(8), datetime(2025, 5, 1, tzinfo=UTC)
    older = [_order(shipper.id, start + timedelta(minutes=n), rng) for n in range(3)]
    _stored_before_listings(service, older)
    newer = _order(shipper.id, start + timedelta(days=1), rng)
    service.orders().add(newer, [])
    assert _ids(service.orders().page(OrderQuery(shipper.id))) == [newer.id]

    environ = {"ORDERS_MONGODB_URI": service.settings.mongo.uri}
    outputs = [CliRunner().invoke(cli, ["orders", "backfill-listing"], env=environ) for _ in range(2)]

    assert [r.exit_code for r in outputs] == [0, 0], outputs[0].output
    assert outputs[1].output.startswith("0 orders added")
    assert _ids(service.orders().page(OrderQuery(shipper.id))) == [newer.id, *_ids(older[::-1])]


def test_an_entry_whose_order_is_missing_or_placed_at_another_instant_is_skipped(service, shipper):
    rng, start = random.Random(9), datetime(2025, 4, 1, tzinfo=UTC)
    order = _order(shipper.id, start, rng)
    service.orders().add(order, [])
    listing = service.database()[ORDER_LISTING]
    listing.insert_one({"_id": listing_key(shipper.id, start + timedelta(seconds=5), order.id)})  # a retry
    listing.insert_one({"_id": listing_key(shipper.id, start + timedelta(seconds=9), "ord_" + "q" * 20)})  # no order

    assert _ids(service.orders().page(OrderQuery(shipper.id, limit=1))) == [order.id]


def test_a_retried_idempotency_key_is_listed_once(shipper, body):
    headers = {"Idempotency-Key": "listing-retry-0001"}
    first = shipper.call("POST", ORDERS_URL, ORDERS_URL, headers=headers, json=body)
    again = shipper.call("POST", ORDERS_URL, ORDERS_URL, headers=headers, json=body)
    listed = shipper.call("GET", ORDERS_URL, ORDERS_URL).get_json()["data"]

    assert first.status_code == again.status_code == 201
    assert [o["id"] for o in listed] == [first.get_json()["id"]]


def test_an_order_placed_at_a_sub_millisecond_instant_is_listed(service, shipper):
    order = _order(shipper.id, datetime(2025, 3, 1, 0, 0, 0, 123456, tzinfo=UTC), random.Random(10))
    service.orders().add(order, [])  # the store keeps 00:00:00.123

    assert _ids(service.orders().page(OrderQuery(shipper.id))) == [order.id]
