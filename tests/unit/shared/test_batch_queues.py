"""A batch unit's other embedded queues (hinted before the write, like the outbox) and its on_load lookups."""

from shared.batch.cache import DocumentCache
from shared.batch.ports import DocumentStore
from shared.batch.routes import Applied, Codec, Route
from shared.batch.unit import BatchUnit
from shared.events.envelope import CloudEvent, new_event
from shared.mongo.documents import Queue
from tests.unit.support import FakeDocumentStore, FakePublisher

COUNTERS = "counters"
CHORES = Queue("chores_pending", "chore_hints")


def _issued(shipper: str) -> CloudEvent:
    data = {"shipper_id": shipper, "shipper_name": "Acme", "key_id": "k", "key_hash": "c" * 64}
    return new_event("shipper.key_issued", shipper, data, source="/test")


class Chores:
    """Queues a chore on every second key; knows the batch's documents through `loaded` (its on_load)."""

    def __init__(self) -> None:
        self.loads: list[list[str]] = []

    def loaded(self, stored) -> None:
        self.loads.append(sorted(doc_id for _, doc_id in stored))

    def count(self, counter: dict | None, event: CloudEvent) -> Applied[dict]:
        keys = (counter or {"keys": 0})["keys"] + 1
        chores = (counter or {}).get("chores", 0) + (keys % 2 == 0)
        return Applied({"keys": keys, "chores": chores})


def _unit(store: FakeDocumentStore, chores: Chores) -> BatchUnit:
    codec = Codec(load=dict, dump=lambda c: {**c, CHORES.flag: c["chores"] > 0})
    return BatchUnit(store, FakePublisher(), {COUNTERS: codec}, {"shipper.key_issued": Route(COUNTERS, chores.count)},
                     cache=DocumentCache(size=0), queues=(CHORES,), on_load=chores.loaded)


def test_documents_holding_work_in_another_queue_are_hinted_for_it_in_one_command_before_the_write():
    store, chores = FakeDocumentStore(), Chores()
    _unit(store, chores).apply([_issued(s) for s in ("shp_a", "shp_a", "shp_b", "shp_c", "shp_c")])
    assert store.commands == ["read", "hint chore_hints", "write"]
    assert store.queue_hints == {"chore_hints": {(COUNTERS, "shp_a"), (COUNTERS, "shp_c")}}
    assert store.hints == set()


def test_on_load_sees_every_attempt_s_documents_before_they_are_folded():
    store, chores = FakeDocumentStore(), Chores()
    unit = _unit(store, chores)
    unit.apply([_issued("shp_a"), _issued("shp_b")])
    store.conflict_once.add("shp_b")  # another writer moves shp_b: only it is applied again
    unit.apply([_issued("shp_a"), _issued("shp_b")])
    assert chores.loads == [[], ["shp_a", "shp_b"], ["shp_b"]]
    assert {doc_id: d["keys"] for doc_id, d in store.documents(COUNTERS).items()} == {"shp_a": 2, "shp_b": 2}


def test_a_store_without_other_queues_need_not_know_them():
    class OutboxOnly(FakeDocumentStore):
        hint_queue = DocumentStore.hint_queue  # the port's default: raises if ever asked

    store = OutboxOnly()
    BatchUnit(store, FakePublisher(), {COUNTERS: Codec(dict, dict)},
              {"shipper.key_issued": Route(COUNTERS, Chores().count)}).apply([_issued("shp_a")])
    assert store.commands == ["read", "write"]
