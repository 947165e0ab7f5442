"""Helpers the console's integration and browser tests share."""

from __future__ import annotations

import uuid

from shared.config import KafkaSettings
from shared.kafka.consumer import ConsumerRunner, make_kafka_consumer
from shared.kafka.producer import EventProducer, make_kafka_producer
from tests.integration.shared.kafka_helpers import FAST_BACKOFF, poll_until


def dead_letter_one(settings: KafkaSettings, topic: str, key: bytes, value: bytes) -> None:
    """Produce a record no handler can read and let the real consumer runner dead-letter it to `<topic>.dlq`."""
    producer = make_kafka_producer(settings)
    producer.send(topic, key=key, value=value, headers=[("content-type", b"application/cloudevents+json")])
    producer.flush()
    producer.close()
    group = f"test-{uuid.uuid4().hex[:8]}"
    # A short metadata age: a topic created a moment ago may not be in the first metadata the consumer sees.
    consumer = make_kafka_consumer(settings, group, [topic], metadata_max_age_ms=500)
    runner = ConsumerRunner(consumer, EventProducer(make_kafka_producer(settings)), {}, group, backoff=FAST_BACKOFF)
    try:
        poll_until(runner, lambda: runner.counts.dead_lettered == 1, timeout=60)
    finally:
        runner.consumer.close(autocommit=False)
        runner.dlq.close()
