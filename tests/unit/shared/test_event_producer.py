"""The one producer: a flush the broker never completes is bounded, and reported as transient."""

import pytest
from kafka.errors import KafkaTimeoutError

from shared.errors import TransientError
from shared.kafka.producer import FLUSH_MARGIN_S, EventProducer, OutgoingRecord


class StuckKafkaProducer:
    """kafka-python's producer as seen after a leader change: sends queue up, flush never completes."""

    def __init__(self) -> None:
        self.config = {"delivery_timeout_ms": 2500}
        self.flush_timeouts: list[float | None] = []

    def send(self, topic, key=None, value=None, headers=None):
        return None

    def flush(self, timeout=None):
        self.flush_timeouts.append(timeout)
        raise KafkaTimeoutError("Timeout waiting for future")


def test_a_flush_that_never_completes_is_bounded_and_transient():
    stuck = StuckKafkaProducer()
    with pytest.raises(TransientError, match="did not acknowledge in time"):
        EventProducer(stuck).send_records([OutgoingRecord("orders.v1", b"k", b"{}", [])])
    assert stuck.flush_timeouts == [2.5 + FLUSH_MARGIN_S]
