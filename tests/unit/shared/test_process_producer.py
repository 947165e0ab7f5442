"""The request path's producer: made once per process on first publish; a broker that cannot be reached is transient."""

import pytest
from kafka.errors import KafkaTimeoutError

from shared.errors import TransientError
from shared.kafka.process_producer import ProcessProducer
from tests.unit.support import FakePublisher


def test_the_producer_is_made_on_first_publish_and_kept():
    made: list[FakePublisher] = []
    producer = ProcessProducer(lambda: made.append(FakePublisher()) or made[-1])
    assert made == []
    producer.publish([])
    producer.publish([])
    assert len(made) == 1 and made[0].batches == [0, 0]


def test_a_broker_that_cannot_be_reached_when_making_it_is_a_transient_failure_tried_again_next_time():
    def unreachable():
        raise KafkaTimeoutError("Unable to bootstrap")

    producer = ProcessProducer(unreachable)
    with pytest.raises(TransientError, match="no producer"):
        producer.publish([])
    producer.make = FakePublisher
    producer.publish([])


def test_a_producer_that_failed_a_publish_is_replaced_by_the_next_one():
    made: list[FakePublisher] = []
    producer = ProcessProducer(lambda: made.append(FakePublisher()) or made[-1])
    producer.publish([])
    made[0].fail = True
    with pytest.raises(TransientError):
        producer.publish([])
    producer.publish([])
    assert len(made) == 2 and made[0].closed and made[1].batches == [0]
