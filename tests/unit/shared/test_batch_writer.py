"""One document written outside a consumer: hinted, written, published, trimmed, unhinted — or left to the sweeper."""

import pytest

from shared.batch.ports import Write
from shared.batch.writer import OutboxWriter
from shared.events.envelope import CloudEvent, new_event, to_document
from tests.unit.support import FakeDocumentStore

ORDERS = "orders"


def _event(order_id: str) -> CloudEvent:
    return new_event("shipper.key_revoked", order_id, {"shipper_id": order_id, "key_id": "k", "key_hash": "c" * 64},
                     source="/test")


def _document(doc_id: str, version: int, *events: CloudEvent) -> dict:
    outbox = [to_document(e) for e in events]
    return {"_id": doc_id, "version": version, "outbox": outbox, "outbox_pending": bool(outbox)}


@pytest.fixture
def writer(store, publisher) -> OutboxWriter:
    return OutboxWriter(store, publisher)


def test_a_new_document_is_published_trimmed_and_unhinted_in_four_commands(writer, store, publisher):
    event = _event("o1")
    written = writer.write(ORDERS, Write("o1", None, _document("o1", 1, event)))
    assert written.landed and written.published
    assert [e.id for e in publisher.published] == [event.id]
    assert store.documents(ORDERS)["o1"] == {"_id": "o1", "version": 2, "outbox": [], "outbox_pending": False}
    assert written.stored == store.documents(ORDERS)["o1"]
    assert store.hints == set()
    assert store.commands == ["hint", "write", "trim", "unhint"]


def test_a_document_without_events_costs_one_write(writer, store, publisher):
    writer.write(ORDERS, Write("o1", None, _document("o1", 1)))
    assert store.commands == ["write"] and publisher.published == []


def test_an_unanswered_publish_keeps_the_events_and_the_hint_for_the_sweeper(writer, store, publisher):
    publisher.fail = True
    event = _event("o1")
    written = writer.write(ORDERS, Write("o1", None, _document("o1", 1, event)))
    assert written.landed and not written.published
    assert [e["id"] for e in store.documents(ORDERS)["o1"]["outbox"]] == [event.id]
    assert store.hints == {(ORDERS, "o1")}


def test_a_later_write_publishes_the_earlier_unpublished_events_first(writer, store, publisher):
    first, second = _event("o1"), _event("o1")
    publisher.fail = True
    writer.write(ORDERS, Write("o1", None, _document("o1", 1, first)))
    publisher.fail = False
    writer.write(ORDERS, Write("o1", 1, _document("o1", 2, first, second)))
    assert [e.id for e in publisher.published] == [first.id, second.id]
    assert store.documents(ORDERS)["o1"]["outbox"] == [] and store.hints == set()


def test_a_write_that_does_not_land_publishes_nothing_and_hands_back_what_is_stored(writer, store, publisher):
    writer.write(ORDERS, Write("o1", None, _document("o1", 1)))
    written = writer.write(ORDERS, Write("o1", None, _document("o1", 1, _event("o1"))))
    assert not written.landed and written.stored == store.documents(ORDERS)["o1"]
    assert publisher.published == []


def test_a_document_moved_before_its_trim_keeps_its_hint(store, publisher):
    class MovedBeforeTrim(FakeDocumentStore):
        def trim(self, collection, published):
            self.documents(collection)["o1"]["version"] += 1  # another writer, between publish and trim
            return super().trim(collection, published)

    store = MovedBeforeTrim()
    written = OutboxWriter(store, publisher).write(ORDERS, Write("o1", None, _document("o1", 1, _event("o1"))))
    assert written.landed and written.published
    assert store.documents(ORDERS)["o1"]["outbox"] and store.hints == {(ORDERS, "o1")}
