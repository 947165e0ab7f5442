"""The consumer runner against the real broker: round trip, dead letters, transient retries."""

import threading

import pytest

from shared.errors import TransientError
from shared.kafka.dlq import error_headers
from tests.integration.shared.kafka_helpers import (
    committed,
    key_event,
    poll_until,
    producer_to,
    raw_producer,
    read_all,
    runner_for,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_events_make_a_round_trip_and_offsets_are_committed(kafka_settings, make_topic):
    topic = make_topic()
    sent = [key_event(f"shp_{n}") for n in range(3)]
    producer_to(kafka_settings, topic).publish(sent)
    received = []
    runner = runner_for(kafka_settings, topic, {"shipper.key_issued": received.append})

    poll_until(runner, lambda: len(received) == 3)
    runner.consumer.close()

    assert received == sent
    assert committed(kafka_settings, runner.group, topic) == 3


def test_a_poison_record_is_dead_lettered_and_the_next_record_still_processed(kafka_settings, make_topic):
    topic = make_topic()
    first, last = key_event("shp_a"), key_event("shp_b")
    producer_to(kafka_settings, topic).publish([first])
    raw = raw_producer(kafka_settings)
    raw.send(topic, key=b"shp_x", value=b'{"specversion": "0.3"}', headers=[("trace", b"t1")])
    raw.flush()
    producer_to(kafka_settings, topic).publish([last])
    received = []
    runner = runner_for(kafka_settings, topic, {"shipper.key_issued": received.append})

    poll_until(runner, lambda: len(received) == 2)
    runner.consumer.close()

    assert received == [first, last]
    assert committed(kafka_settings, runner.group, topic) == 3
    [letter] = read_all(kafka_settings, topic + ".dlq", expected=1)
    reason = error_headers(letter.headers)
    assert letter.key == b"shp_x"
    assert letter.value == b'{"specversion": "0.3"}'
    assert reason["x-original-topic"] == topic
    assert (reason["x-original-partition"], reason["x-original-offset"]) == ("0", "1")
    assert reason["x-error-class"] == "InvalidEnvelope"
    assert reason["x-consumer-group"] == runner.group
    assert ("trace", b"t1") in letter.headers


def test_a_schema_violation_is_dead_lettered_with_its_reason(kafka_settings, make_topic):
    topic = make_topic()
    good = key_event()
    bad_value = good.model_copy(update={"data": {"shipper_id": "x"}}).model_dump_json().encode()
    raw = raw_producer(kafka_settings)
    raw.send(topic, key=b"x", value=bad_value)
    raw.flush()
    runner = runner_for(kafka_settings, topic, {"shipper.key_issued": lambda e: None})

    poll_until(runner, lambda: runner.counts.dead_lettered == 1)
    runner.consumer.close()

    [letter] = read_all(kafka_settings, topic + ".dlq", expected=1)
    assert error_headers(letter.headers)["x-error-class"] == "SchemaViolation"
    assert "shipper_name" in error_headers(letter.headers)["x-error-message"]


def test_a_transient_failure_is_retried_and_nothing_is_committed_past_it(kafka_settings, make_topic):
    topic = make_topic()
    stuck, after = key_event("shp_stuck"), key_event("shp_after")
    producer_to(kafka_settings, topic).publish([stuck, after])
    attempts: list[str] = []
    failing = threading.Event()
    release = threading.Event()
    applied = []

    def handler(event):
        attempts.append(event.subject)
        if event.subject == "shp_stuck" and not release.is_set():
            failing.set()
            raise TransientError("store unavailable")
        applied.append(event)

    runner = runner_for(kafka_settings, topic, {"shipper.key_issued": handler})
    worker = threading.Thread(target=runner.run)
    worker.start()
    try:
        assert failing.wait(20)
        wait_for(lambda: attempts.count("shp_stuck") >= 3)
        # While the first record keeps failing, neither it nor the record behind it is committed.
        assert committed(kafka_settings, runner.group, topic) in (None, 0)
        assert applied == []
        release.set()
        wait_for(lambda: len(applied) == 2)
    finally:
        runner.stop.set()
        worker.join(20)

    assert [e.subject for e in applied] == ["shp_stuck", "shp_after"]
    assert committed(kafka_settings, runner.group, topic) == 2


def test_stopping_during_retries_leaves_the_record_for_the_next_consumer(kafka_settings, make_topic):
    topic = make_topic()
    event = key_event("shp_retry")
    producer_to(kafka_settings, topic).publish([event])
    failing = threading.Event()

    def always_down(_event):
        failing.set()
        raise TransientError("store unavailable")

    first = runner_for(kafka_settings, topic, {"shipper.key_issued": always_down})
    worker = threading.Thread(target=first.run)
    worker.start()
    assert failing.wait(20)
    first.stop.set()
    worker.join(20)
    assert committed(kafka_settings, first.group, topic) in (None, 0)

    received = []
    second = runner_for(kafka_settings, topic, {"shipper.key_issued": received.append}, group=first.group)
    poll_until(second, lambda: len(received) == 1)
    second.consumer.close()
    assert received == [event]


def test_a_batch_handler_gets_one_keys_events_together_and_a_failing_batch_falls_back(kafka_settings, make_topic):
    topic = make_topic()
    events = [key_event("shp_a"), key_event("shp_b"), key_event("shp_a"), key_event("shp_a")]
    producer_to(kafka_settings, topic).publish(events)
    batches, singles = [], []
    runner = runner_for(kafka_settings, topic, {"shipper.key_issued": singles.append})
    runner.batch_handlers = {"shipper.key_issued": batches.append}

    poll_until(runner, lambda: runner.counts.applied == 4)
    runner.consumer.close()

    assert [[e.subject for e in batch] for batch in batches] == [["shp_a", "shp_a", "shp_a"]]
    assert [e.subject for e in singles] == ["shp_b"]
    assert committed(kafka_settings, runner.group, topic) == 4

    retry_topic = make_topic()
    producer_to(kafka_settings, retry_topic).publish(events)
    singles.clear()

    def broken_batch(_events):
        raise RuntimeError("batch path broken")

    fallback = runner_for(kafka_settings, retry_topic, {"shipper.key_issued": singles.append})
    fallback.batch_handlers = {"shipper.key_issued": broken_batch}
    poll_until(fallback, lambda: fallback.counts.applied == 4)
    fallback.consumer.close()
    assert [e.subject for e in singles] == ["shp_a", "shp_b", "shp_a", "shp_a"]
