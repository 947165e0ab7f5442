from datetime import UTC, datetime

import pytest

from services.console.domain.records import RecordFilter, view_of
from services.console.domain.replay import decide, done_state, outgoing, reasons, record_id, replay_count

AT = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
ERRORS = [("x-original-topic", b"orders.v1"), ("x-error-class", b"SchemaViolation"),
          ("x-error-message", b"data.order_id: missing"), ("x-consumer-group", b"shipping")]


def letter(offset=4, headers=ERRORS, value=b"{bad"):
    return view_of("orders.v1.dlq", 0, offset, 1_700_000_000_000, b"ord_1", value,
                   [("content-type", b"application/cloudevents+json"), *headers])


def test_a_dead_letter_goes_back_to_its_original_topic():
    decision = decide(letter(), 3, {"orders.v1"}, None)
    assert (decision.allowed, decision.target, decision.record_id) == (True, "orders.v1", "orders.v1.dlq:0:4")


def test_a_record_replayed_too_often_is_refused_as_a_loop():
    looped = letter(headers=[*ERRORS, ("x-replay-count", b"3")])
    decision = decide(looped, 3, {"orders.v1"}, None)
    assert not decision.allowed
    assert "loop" in decision.reason


def test_a_record_already_replayed_or_parked_is_refused():
    assert decide(letter(), 3, {"orders.v1"}, "parked").reason == "already parked"


def test_a_failed_replay_leaves_the_record_open_to_replay_again():
    assert done_state({"action": "replayed", "state": "failed"}) is None
    assert decide(letter(), 3, {"orders.v1"}, done_state({"action": "replayed", "state": "failed"})).allowed


def test_the_replay_log_says_whether_a_record_was_replayed_or_parked():
    assert done_state(None) is None
    assert done_state({"action": "replayed", "state": "done"}) == "replayed"
    assert done_state({"action": "parked", "state": "parked"}) == "parked"


def test_an_unknown_original_topic_is_refused():
    assert not decide(letter(), 3, set(), None).allowed


def test_the_replay_keeps_key_and_value_drops_error_headers_and_counts():
    decision = decide(letter(headers=[*ERRORS, ("x-replay-count", b"1")]), 3, {"orders.v1"}, None)
    out = outgoing(decision, "ann", "plan-1", AT, b"{bad", b"ord_1")
    headers = dict(out.headers)
    assert (out.topic, out.key, out.value) == ("orders.v1", b"ord_1", b"{bad")
    assert "x-error-class" not in headers
    assert headers["x-replay-count"] == b"2"
    assert headers["x-replayed-by"] == b"ann"
    assert headers["x-replay-of"] == b"orders.v1.dlq:0:4"
    assert headers["content-type"] == b"application/cloudevents+json"


def test_a_refused_decision_cannot_be_turned_into_a_record():
    with pytest.raises(ValueError):
        outgoing(decide(letter(), 3, set(), None), "ann", "p", AT, b"", None)


def test_reasons_are_counted_from_the_error_headers():
    ranked = reasons([letter(1), letter(2), letter(3, headers=[("x-error-class", b"UnknownEventType")])])
    assert (ranked[0].error_class, ranked[0].count) == ("SchemaViolation", 2)
    assert replay_count(letter()) == 0
    assert record_id(letter(9)) == "orders.v1.dlq:0:9"


def test_filters_match_on_key_type_header_and_text():
    view = letter()
    assert RecordFilter(keys=frozenset({"ord_1"})).matches(view)
    assert not RecordFilter(keys=frozenset({"ord_2"})).matches(view)
    assert RecordFilter(header_name="x-error-class", header_value="SchemaViolation").matches(view)
    assert not RecordFilter(header_name="x-error-class", header_value="Other").matches(view)
    assert RecordFilter(text="BAD").matches(view)
    assert not RecordFilter(event_type="order.placed").matches(view)
    assert view.decode_error
