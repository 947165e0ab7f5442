from shared.events.envelope import new_event
from shared.mongo.documents import APPLIED_KEEP, mark_applied, was_applied, with_events


def _event():
    data = {"shipper_id": "s", "shipper_name": "n", "key_id": "k", "key_hash": "b" * 64}
    return new_event("shipper.key_issued", "s", data, source="/t")


def test_events_join_the_outbox_in_the_same_document():
    document = with_events({"_id": "s", "version": 3}, [_event(), _event()])
    assert len(document["outbox"]) == 2
    assert document["outbox_pending"] is True
    assert document["version"] == 3


def test_applied_event_ids_are_remembered_and_bounded():
    document = {"_id": "x"}
    for n in range(APPLIED_KEEP + 5):
        document = mark_applied(document, f"e{n}")
    assert was_applied(document, f"e{APPLIED_KEEP + 4}")
    assert not was_applied(document, "e0")
    assert len(document["applied_events"]) == APPLIED_KEEP
