from kafka.consumer.fetcher import ConsumerRecord

from shared.errors import SchemaViolation
from shared.kafka.dlq import dead_letter, error_headers


def _record(headers):
    return ConsumerRecord(
        topic="orders.v1", partition=2, leader_epoch=0, offset=41, timestamp=0, timestamp_type=0, key=b"ord_1",
        value=b"{bad", headers=headers, checksum=None, serialized_key_size=5, serialized_value_size=4,
        serialized_header_size=0,
    )


def test_dead_letter_keeps_the_record_and_says_why():
    letter = dead_letter(_record([("content-type", b"application/cloudevents+json")]), "orders",
                         SchemaViolation("data.order_id: missing"))
    assert letter.topic == "orders.v1.dlq"
    assert (letter.key, letter.value) == (b"ord_1", b"{bad")
    reason = error_headers(letter.headers)
    assert reason["x-original-topic"] == "orders.v1"
    assert reason["x-original-partition"] == "2"
    assert reason["x-original-offset"] == "41"
    assert reason["x-error-class"] == "SchemaViolation"
    assert reason["x-error-message"] == "data.order_id: missing"
    assert ("content-type", b"application/cloudevents+json") in letter.headers


def test_replayed_dead_letter_does_not_stack_old_reasons():
    old = [("x-error-class", b"Old"), ("x-original-offset", b"1")]
    letter = dead_letter(_record(old), "orders", SchemaViolation("again"))
    classes = [v for k, v in letter.headers if k == "x-error-class"]
    assert classes == [b"SchemaViolation"]
