"""The batch unit on a fake store: one read, one write and one publish a batch; conflicts and refusals per key."""

import pytest

from shared.batch.routes import Applied, Codec, Route
from shared.batch.unit import BatchUnit
from shared.errors import BusinessRuleViolation, TransientError
from shared.events.envelope import CloudEvent, new_event
from tests.unit.support import FakeDocumentStore

COUNTERS = "counters"


def _issued(shipper: str, name: str = "Acme") -> CloudEvent:
    data = {"shipper_id": shipper, "shipper_name": name, "key_id": "k", "key_hash": "c" * 64}
    return new_event("shipper.key_issued", shipper, data, source="/test")


def _count(counter: dict | None, event: CloudEvent) -> Applied[dict]:
    """Counts a shipper's keys; every third key announces itself; a key named "bad" breaks a rule."""
    if event.data["shipper_name"] == "bad":
        raise BusinessRuleViolation("bad key")
    keys = (counter or {"keys": 0})["keys"] + 1
    caused = [_issued(event.subject, f"milestone {keys}")] if keys % 3 == 0 else []
    return Applied({"keys": keys}, caused)


@pytest.fixture
def unit(store, publisher) -> BatchUnit:
    codec = Codec(load=lambda d: {"keys": d["keys"]}, dump=lambda counter: dict(counter))
    return BatchUnit(store, publisher, {COUNTERS: codec}, {"shipper.key_issued": Route(COUNTERS, _count)})


def _keys(store) -> dict[str, int]:
    return {doc_id: d["keys"] for doc_id, d in store.documents(COUNTERS).items()}


def test_a_batch_costs_one_read_one_write_and_one_publish_whatever_its_size(unit, store, publisher):
    events = [_issued(s) for s in ("shp_a", "shp_b", "shp_a", "shp_a", "shp_b", "shp_c")]
    assert unit.apply(events) == []
    assert store.commands == ["read", "hint", "write", "trim", "unhint"]
    assert _keys(store) == {"shp_a": 3, "shp_b": 2, "shp_c": 1}
    assert [e.data["shipper_name"] for e in publisher.published] == ["milestone 3"]
    assert store.documents(COUNTERS)["shp_a"]["outbox"] == [] and store.hints == set()


def test_cached_documents_are_not_read_again_until_forgotten(unit, store):
    unit.apply([_issued("shp_a")])
    unit.apply([_issued("shp_a")])
    assert store.commands == ["read", "write", "write"]
    unit.forget()
    unit.apply([_issued("shp_a")])
    assert store.commands[3] == "read" and _keys(store) == {"shp_a": 3}


def test_a_redelivered_event_changes_nothing(unit, store):
    event = _issued("shp_a")
    unit.apply([event, event])
    unit.apply([event])
    assert _keys(store) == {"shp_a": 1} and store.commands == ["read", "write"]


def test_a_refused_event_is_left_out_and_the_rest_of_its_document_applied(unit, store):
    bad = _issued("shp_a", "bad")
    refused = unit.apply([_issued("shp_a"), bad, _issued("shp_a"), _issued("shp_b")])
    assert [(event, type(error)) for event, error in refused] == [(bad, BusinessRuleViolation)]
    assert _keys(store) == {"shp_a": 2, "shp_b": 1}


def test_a_conflict_is_read_and_applied_again_for_its_document_only(unit, store):
    unit.apply([_issued("shp_a"), _issued("shp_b")])
    store.conflict_once = {"shp_b"}  # another writer moved shp_b since it was cached
    unit.apply([_issued("shp_a"), _issued("shp_b")])
    assert store.reads == [["shp_a", "shp_b"]]  # the write said what shp_b is now: no second read
    assert store.writes == [["shp_a", "shp_b"], ["shp_a", "shp_b"], ["shp_b"]]
    assert _keys(store) == {"shp_a": 2, "shp_b": 2}


def test_events_left_pending_by_a_failed_publish_go_out_on_the_retry_once(unit, store, publisher):
    events = [_issued("shp_a") for _ in range(3)]
    publisher.fail = True
    with pytest.raises(TransientError):
        unit.apply(events)
    assert len(store.documents(COUNTERS)["shp_a"]["outbox"]) == 1 and store.hints == {(COUNTERS, "shp_a")}
    publisher.fail = False
    unit.apply(events)
    assert [e.data["shipper_name"] for e in publisher.published] == ["milestone 3"]
    assert _keys(store) == {"shp_a": 3} and store.documents(COUNTERS)["shp_a"]["outbox"] == []
    assert store.hints == set()


def test_a_failed_write_leaves_nothing_cached(unit, store):
    unit.apply([_issued("shp_a")])
    store.fail_writes = True
    with pytest.raises(TransientError):
        unit.apply([_issued("shp_a")])
    store.fail_writes = False
    unit.apply([_issued("shp_a")])
    assert store.commands.count("read") == 2 and _keys(store) == {"shp_a": 2}


def test_after_write_hooks_see_every_event_not_refused(store, publisher):
    seen: list[str] = []

    def hook(events):
        seen.extend(e.data["shipper_name"] for e in events)
        return [(events[0], BusinessRuleViolation("taken"))] if events[0].data["shipper_name"] == "late" else []

    codec = Codec(load=dict, dump=dict)
    unit = BatchUnit(store, publisher, {COUNTERS: codec}, {"shipper.key_issued": Route(COUNTERS, _count)},
                     after_write={"shipper.key_issued": hook})
    late = _issued("shp_b", "late")
    refused = unit.apply([_issued("shp_a", "bad"), late])
    assert seen == ["late"] and [event for event, _ in refused][-1] is late


def test_a_located_route_puts_each_event_in_the_collection_it_names(store, publisher):
    codec = Codec(load=lambda d: {"keys": d["keys"]}, dump=dict)
    route = Route(COUNTERS, _count, locate=lambda e: ("vip" if e.subject == "shp_v" else COUNTERS, e.subject))
    unit = BatchUnit(store, publisher, {COUNTERS: codec, "vip": codec}, {"shipper.key_issued": route})
    unit.apply([_issued("shp_a"), _issued("shp_v"), _issued("shp_v")])
    assert _keys(store) == {"shp_a": 1} and store.documents("vip")["shp_v"]["keys"] == 2


def test_events_that_change_nothing_are_not_written(store, publisher):
    def note(counter, event):
        return Applied(counter, changed=False) if event.data["shipper_name"] == "noop" else _count(counter, event)

    codec = Codec(load=lambda d: {"keys": d["keys"]}, dump=dict)
    unit = BatchUnit(store, publisher, {COUNTERS: codec}, {"shipper.key_issued": Route(COUNTERS, note)})
    unit.apply([_issued("shp_a")])
    unit.apply([_issued("shp_a", "noop"), _issued("shp_b", "noop")])
    assert store.commands == ["read", "write", "read"]
    unit.apply([_issued("shp_a", "noop"), _issued("shp_a")])  # with a change, the document is written
    assert _keys(store) == {"shp_a": 2} and store.commands[-1] == "write"


def test_a_type_with_only_an_after_write_hook_is_handled_by_the_hook(store, publisher):
    seen: list[str] = []
    codec = Codec(load=dict, dump=dict)
    unit = BatchUnit(store, publisher, {COUNTERS: codec}, {"shipper.key_issued": Route(COUNTERS, _count)},
                     after_write={"shipper.key_revoked": lambda events: seen.extend(e.subject for e in events) or []})
    revoked = new_event("shipper.key_revoked", "shp_r", {"shipper_id": "shp_r", "key_id": "k", "key_hash": "c" * 64},
                        source="/test")
    assert unit.handles("shipper.key_revoked")
    assert unit.apply([revoked, _issued("shp_a")]) == []
    assert seen == ["shp_r"] and _keys(store) == {"shp_a": 1}


class RefusingInserts(FakeDocumentStore):
    """A store whose other unique index refuses every insert of `taken` (the _id stays free)."""

    def __init__(self, taken: set[str]) -> None:
        super().__init__()
        self.taken = taken

    def write(self, collection, writes):
        refused = {w.doc_id: None for w in writes if w.version is None and w.doc_id in self.taken}
        landed = super().write(collection, [w for w in writes if w.doc_id not in refused])
        return {**landed, **refused}


def test_an_insert_a_unique_index_always_refuses_is_a_broken_rule_not_a_retry(publisher):
    store = RefusingInserts({"shp_a"})
    codec = Codec(load=lambda d: {"keys": d["keys"]}, dump=lambda counter: dict(counter))
    unit = BatchUnit(store, publisher, {COUNTERS: codec}, {"shipper.key_issued": Route(COUNTERS, _count)})
    with pytest.raises(BusinessRuleViolation, match="unique index"):
        unit.apply([_issued("shp_a")])
    assert store.commands.count("write") == unit.attempts
    assert unit.apply([_issued("shp_b")]) == [] and _keys(store) == {"shp_b": 1}


def test_a_conflicting_writer_every_time_stays_a_retry(unit, store):
    unit.apply([_issued("shp_a")])
    store.conflict_once = _Always("shp_a")
    with pytest.raises(TransientError):
        unit.apply([_issued("shp_a")])


class _Always(set):
    """conflict_once that never runs out: another writer always gets there first."""

    def __init__(self, doc_id: str) -> None:
        super().__init__({doc_id})

    def discard(self, _doc_id) -> None:
        pass
