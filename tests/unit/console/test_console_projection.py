"""The read model's consumer unit on fakes: a poll's orders and parcels applied in memory, a bulk at a time."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from kafka.consumer.fetcher import ConsumerRecord

from services.console.adapters.readmodel import ALIASES, EXCEPTIONS, ORDERS, PARCELS, TRACE_CODEC
from services.console.adapters.rows import InsertOnce
from services.console.domain.pipeline import Document
from services.console.projection_unit import ProjectionUnit
from shared.batch.position import positioned
from tests.unit.console.console_events import T0, booked, booking_failed, ids, journey, placed, scan, status_changed
from tests.unit.support import FakeDocumentStore


class FakeInsertOnce(InsertOnce):
    """Rows in dicts; the first row of an `_id` wins, as with a duplicate-key insert."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, Document]] = {}
        self.commands: list[str] = []

    def add(self, collection: str, rows: Sequence[Document]) -> None:
        if rows:
            self.commands.append(collection)
            stored = self.collections.setdefault(collection, {})
            for row in rows:
                stored.setdefault(row["_id"], row)


@pytest.fixture
def store() -> FakeDocumentStore:
    return FakeDocumentStore()


@pytest.fixture
def rows() -> FakeInsertOnce:
    return FakeInsertOnce()


@pytest.fixture
def unit(store: FakeDocumentStore, rows: FakeInsertOnce) -> ProjectionUnit:
    return ProjectionUnit(store, rows)


def parcel(store: FakeDocumentStore, n: int) -> Document:
    return TRACE_CODEC.load(store.documents(PARCELS)[ids(n)[1]])


def order(store: FakeDocumentStore, n: int) -> Document:
    return TRACE_CODEC.load(store.documents(ORDERS)[ids(n)[0]])


def test_a_whole_journey_in_one_poll_ends_delivered_with_its_trace_and_rows(unit, store, rows):
    assert unit.apply(journey(1)) == []

    delivered = parcel(store, 1)
    assert delivered["stage"] == "delivered" and delivered["delivered_at"] == T0.replace(hour=17)
    assert len(delivered["trace"]) == 19  # the booking, then nine scans each with its status change
    assert delivered["placed_at"] == T0 and delivered["delays"]["shipping_booking"] == [60000.0]
    assert delivered["customs"]["export_in"] == T0.replace(hour=11)
    assert order(store, 1)["stage"] == "booked" and len(order(store, 1)["trace"]) == 2
    assert set(rows.collections[ALIASES]) == {"PBC000000001", "SF0000000000001", "1Z0000000000000001",
                                              "ORD_000001"}
    [exception] = rows.collections[EXCEPTIONS].values()
    assert exception["reason"] == "customs_inspection"


def test_a_poll_costs_one_read_and_one_write_per_collection_and_nothing_to_read_once_cached(unit, store, rows):
    unit.apply([e for n in range(50) for e in journey(n, steps=4)])
    assert store.commands == ["read", "write", "read", "write"]
    assert rows.commands == [ALIASES, EXCEPTIONS]

    store.commands.clear()
    unit.apply([scan(n, 4) for n in range(50)] + [status_changed(n, 4) for n in range(50)])
    assert store.commands == ["write"]
    assert {parcel(store, n)["stage"] for n in range(50)} == {"linehaul_departed"}


def test_a_redelivered_poll_changes_nothing(unit, store, rows):
    events = journey(1)
    unit.apply(events)
    stored = dict(store.documents(PARCELS))
    store.commands.clear()

    assert unit.apply(events) == []
    assert store.documents(PARCELS) == stored and store.commands == []
    assert len(rows.collections[ALIASES]) == 4


def test_an_order_placed_after_its_booking_gives_the_parcel_its_placement_time(unit, store):
    unit.apply([booked(1)])
    assert parcel(store, 1)["placed_at"] is None

    unit.apply([placed(1)])
    assert parcel(store, 1)["placed_at"] == T0
    assert order(store, 1)["stage"] == "booked"


def test_a_refused_booking_leaves_its_order_aside_and_no_parcel(unit, store):
    unit.apply([placed(1), booking_failed(1)])
    assert order(store, 1)["stage"] == "booking_failed" and order(store, 1)["reason"] == "overweight"
    assert store.documents(PARCELS) == {}


def test_only_the_conflicting_parcel_is_applied_and_written_again(unit, store):
    unit.apply([e for n in (1, 2) for e in journey(n, steps=1)])
    store.conflict_once = {ids(2)[1]}  # another writer moved parcel 2
    store.writes.clear()

    unit.apply([e for n in (1, 2) for e in (scan(n, 1), status_changed(n, 1))])

    assert store.writes == [[ids(1)[1], ids(2)[1]], [ids(2)[1]]]
    assert [parcel(store, n)["stage"] for n in (1, 2)] == ["origin_hub_processed", "origin_hub_processed"]
    assert len(parcel(store, 2)["trace"]) == 5


def test_the_trace_records_where_each_event_sat_in_kafka(unit, store):
    event = booked(1)
    record = ConsumerRecord("shipments.v1", 2, -1, 41, 1_700_000_000_000, 0, None, b"", [], None, 0, 0, 0)
    with positioned([(record, event)]):
        unit.apply([event])
    [entry] = parcel(store, 1)["trace"]
    assert (entry["topic"], entry["partition"], entry["offset"]) == ("shipments.v1", 2, 41)
    assert "publish_shipping" in parcel(store, 1)["delays"]


def test_after_its_partitions_are_revoked_the_unit_reads_its_documents_again(unit, store):
    unit.apply(journey(1, steps=1))
    unit.forget()
    store.commands.clear()
    unit.apply([scan(1, 1)])
    assert store.commands == ["read", "write"]
