"""Listing a shipper's orders from `_id`-ordered keys: the same pages, filters and cursors as the fake's query."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.orders.adapters.listing import key_range, listing_key, sortable_time
from services.orders.adapters.repository import OrderQuery, newest_page
from services.orders.domain.model import Order
from services.orders.views import decode_cursor, encode_cursor

START = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
STATUSES = ("placed", "booked", "cancelled")


def _id(rng: random.Random) -> str:
    return "ord_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(20))


@pytest.fixture
def stored(orders) -> dict[str, Order]:
    """60 orders of shp_a and 20 of shp_ab (a shipper id extending the other), some at the same instant."""
    rng = random.Random(7)
    for n in range(80):
        shipper = "shp_a" if n < 60 else "shp_ab"
        created = START + timedelta(milliseconds=1000 * (n // 3) + rng.choice((0, 0, 1)))
        order = Order.place(_id(rng), shipper, {}, "f" * 64, created)
        order.status = STATUSES[n % 3]
        orders.add(order, [])
    return orders.orders


def _batches(keys: list[str], low: str, high: str, batch: int) -> Iterator[list[str]]:
    """What ListingIndex.newest_first reads from the store, from a list in memory."""
    selected = sorted((key for key in keys if low <= key < high), reverse=True)
    for start in range(0, len(selected), batch):
        yield selected[start:start + batch]


def _keys(stored: dict[str, Order]) -> list[str]:
    return [listing_key(o.shipper_id, o.created_at, o.id) for o in stored.values()]


def _page(keys: list[str], stored: dict[str, Order], query: OrderQuery, batch: int = 7) -> list[Order]:
    low, high = key_range(query.shipper_id, query.created_from, query.created_to, query.after)
    return newest_page(_batches(keys, low, high, batch), lambda ids: {i: stored[i] for i in ids if i in stored}, query)


def _ids(found: list[Order]) -> list[str]:
    return [order.id for order in found]


QUERIES = [
    OrderQuery("shp_a", limit=100),
    OrderQuery("shp_ab", limit=100),
    OrderQuery("shp_a", limit=5, status="booked"),
    OrderQuery("shp_a", limit=100, created_from=START + timedelta(seconds=4)),
    OrderQuery("shp_a", limit=100, created_to=START + timedelta(seconds=4)),
    OrderQuery("shp_a", limit=100, created_from=START + timedelta(seconds=3, milliseconds=1),
               created_to=START + timedelta(seconds=9, milliseconds=1), status="placed"),
    OrderQuery("shp_a", limit=100, created_to=(START + timedelta(seconds=5)).astimezone(timezone(timedelta(hours=8)))),
    OrderQuery("shp_a", limit=100, created_from=START + timedelta(days=1)),
    OrderQuery("shp_a", limit=100, created_from=START + timedelta(seconds=6, microseconds=1),
               created_to=START + timedelta(seconds=12, microseconds=999)),
    OrderQuery("shp_a", limit=100, created_from=START + timedelta(seconds=6, microseconds=1001),
               created_to=START + timedelta(seconds=12, microseconds=1000)),
    OrderQuery("shp_nobody", limit=100),
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_key_range_page_is_the_page_the_filters_select(orders, stored, query):
    assert _ids(_page(_keys(stored), stored, query)) == _ids(orders.page(query))


@pytest.mark.parametrize("query", [OrderQuery("shp_a", limit=4), OrderQuery("shp_a", limit=3, status="cancelled")])
def test_cursor_pages_walk_every_order_newest_first_without_repeats(orders, stored, query):
    keys, walked, after = _keys(stored), [], None
    while True:
        found = _page(keys, stored, replace(query, limit=query.limit + 1, after=after))
        walked += found[: query.limit]
        if len(found) <= query.limit:
            break
        after = decode_cursor(encode_cursor(found[query.limit - 1]))
    assert _ids(walked) == _ids(orders.page(replace(query, limit=1000)))
    assert len(set(_ids(walked))) == len(walked) > query.limit


def test_stale_entries_are_skipped(stored):
    keys = _keys(stored)
    newest = max((o for o in stored.values() if o.shipper_id == "shp_a"), key=lambda o: (o.created_at, o.id))
    keys.append(listing_key("shp_a", newest.created_at + timedelta(hours=1), "ord_" + "z" * 20))  # never stored
    keys.append(listing_key("shp_a", newest.created_at + timedelta(hours=2), newest.id))  # a retry's instant
    assert _ids(_page(keys, stored, OrderQuery("shp_a", limit=1))) == [newest.id]


def test_a_page_reads_only_the_batches_it_needs(stored):
    low, high = key_range("shp_a")
    batches = _batches(_keys(stored), low, high, 5)
    found = newest_page(batches, lambda ids: {i: stored[i] for i in ids}, OrderQuery("shp_a", limit=8))
    assert len(found) == 8 and len(list(batches)) == 12 - 2


def test_keys_sort_like_creation_instant_then_id_whatever_the_offset():
    rng = random.Random(3)
    zones = [timezone(timedelta(hours=h)) for h in (-8, 0, 5.5, 14)]
    items = [((START + timedelta(milliseconds=rng.randrange(10**5))).astimezone(rng.choice(zones)), _id(rng))
             for _ in range(200)]
    by_key = sorted(items, key=lambda item: listing_key("shp_a", *item))
    assert by_key == sorted(items)


def test_a_key_keeps_the_millisecond_the_store_keeps():
    placed = START + timedelta(microseconds=1999)
    assert listing_key("shp_a", placed, "ord_x") == listing_key("shp_a", START + timedelta(milliseconds=1), "ord_x")


def test_instants_beyond_datetimes_range_in_utc_still_bound_a_range():
    earliest = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    latest = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2)))
    assert sortable_time(earliest) < sortable_time(START) < sortable_time(latest)
    low, high = key_range("shp_a", earliest, latest)
    assert low < listing_key("shp_a", START, "ord_" + "a" * 20) < high
