"""Listing a shipper's orders from `_id`-ordered keys: the same pages, filters and cursors as the fake's query."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.orders.adapters.listing_keys import (
    key_range,
    listing_key,
    newest_first,
    sortable_time,
    window_bounds,
)
from services.orders.adapters.repository import OrderQuery, listing_reads, newest_page
from services.orders.domain.model import Order
from services.orders.views import ORDER_ID_PATTERN
from shared.http.cursor import decode_cursor, encode_cursor

START = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
NOW = START + timedelta(seconds=40)  # just after the newest stored order
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


class Keys:
    """The listing collection in memory, read as ListingIndex does; counts the entries the reads' ranges held
    (what FerretDB reads and sorts before it applies the limit)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = sorted(keys, reverse=True)
        self.held = 0

    def read(self, lower: str, upper: str, limit: int) -> list[str]:
        found = [key for key in self.keys if lower <= key < upper]
        self.held += len(found)
        return found[:limit]


def _keys(stored: dict[str, Order]) -> list[str]:
    return [listing_key(o.shipper_id, o.created_at, o.id) for o in stored.values()]


def _page(keys: list[str], stored: dict[str, Order], query: OrderQuery, now: datetime = NOW) -> list[Order]:
    """The page MongoOrderRepository.page reads, from keys and orders in memory."""
    low, high, batch, bounds = listing_reads(query, now)
    batches = newest_first(Keys(keys).read, low, high, batch, bounds)
    return newest_page(batches, lambda ids: {i: stored[i] for i in ids if i in stored}, query)


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
        after = decode_cursor(encode_cursor(found[query.limit - 1]), ORDER_ID_PATTERN)
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
    batches = newest_first(Keys(_keys(stored)).read, low, high, 5)
    found = newest_page(batches, lambda ids: {i: stored[i] for i in ids}, OrderQuery("shp_a", limit=8))
    assert len(found) == 8 and len(list(batches)) == 12 - 2


@pytest.mark.parametrize("batch", [1, 3, 21, 500])
def test_windows_split_the_range_without_losing_or_repeating_a_key(batch):
    rng = random.Random(batch)
    keys = Keys([listing_key("shp_a", START - timedelta(seconds=rng.randrange(10**9)), _id(rng)) for _ in range(400)])
    low, high = key_range("shp_a")
    batches = newest_first(keys.read, low, high, batch, window_bounds("shp_a", START))
    assert [key for found in batches for key in found] == keys.keys


def test_a_page_reads_the_newest_windows_not_the_whole_history():
    rng = random.Random(4)
    old = [START - timedelta(days=30, minutes=n) for n in range(5000)]
    recent = [START - timedelta(seconds=n * 3) for n in range(100)]
    keys = Keys([listing_key("shp_a", t, _id(rng)) for t in old + recent])
    low, high = key_range("shp_a")

    first = next(newest_first(keys.read, low, high, 21, window_bounds("shp_a", START)))

    assert first == keys.keys[:21] and keys.held == 22  # of 5,100: the windows of the last 1, 8 and 64 s


def test_the_first_window_starts_at_the_newest_instant_the_query_can_list():
    def first_window(query: OrderQuery) -> str:
        return listing_reads(query, NOW)[3][0]

    assert first_window(OrderQuery("shp_a")) == f"shp_a|{sortable_time(NOW - timedelta(seconds=1))}"
    assert first_window(OrderQuery("shp_a", created_to=START)) == f"shp_a|{sortable_time(START - timedelta(seconds=1))}"
    cursor = OrderQuery("shp_a", created_to=NOW, after=(START, "ord_x"))
    assert first_window(cursor) == f"shp_a|{sortable_time(START - timedelta(seconds=1))}"


def test_orders_placed_by_a_clock_ahead_are_listed_once_within_a_minute_of_ours(orders, stored):
    ahead = Order.place("ord_" + "f" * 20, "shp_a", {}, "f" * 64, NOW + timedelta(minutes=5))
    orders.add(ahead, [])
    keys = _keys(orders.orders)
    query = OrderQuery("shp_a", limit=1)
    assert _ids(_page(keys, orders.orders, query)) != [ahead.id]
    assert _ids(_page(keys, orders.orders, query, now=NOW + timedelta(minutes=4))) == [ahead.id]


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
