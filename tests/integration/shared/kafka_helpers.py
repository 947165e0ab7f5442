"""Small helpers for driving producers, runners and plain consumers against the real broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from shared.config import KafkaSettings
from shared.events.envelope import CloudEvent, new_event
from shared.kafka.consumer import Backoff, ConsumerRunner, Handler, make_kafka_consumer
from shared.kafka.producer import EventProducer, make_kafka_producer

FAST_BACKOFF = Backoff(first=0.05, cap=0.2)


def key_event(shipper: str = "shp_1") -> CloudEvent:
    data = {"shipper_id": shipper, "shipper_name": "Acme", "key_id": uuid.uuid4().hex, "key_hash": "c" * 64}
    return new_event("shipper.key_issued", shipper, data, source="/parcelbridge/test")


def producer_to(settings: KafkaSettings, topic: str) -> EventProducer:
    return EventProducer(make_kafka_producer(settings), topic_of=lambda _type: topic)


def raw_producer(settings: KafkaSettings) -> KafkaProducer:
    return make_kafka_producer(settings)


def runner_for(
    settings: KafkaSettings, topic: str, handlers: Mapping[str, Handler], group: str | None = None,
    backoff: Backoff = FAST_BACKOFF,
) -> ConsumerRunner:
    group = group or f"test-{uuid.uuid4().hex[:8]}"
    consumer = make_kafka_consumer(settings, group, [topic])
    return ConsumerRunner(consumer, EventProducer(make_kafka_producer(settings)), handlers, group, backoff=backoff)


def poll_until(runner: ConsumerRunner, done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; counts={runner.counts}")
        runner.poll_once(timeout_ms=200)


def read_all(settings: KafkaSettings, topic: str, expected: int, timeout: float = 20.0) -> list:
    """Every record of a one-partition topic, read without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=list(settings.bootstrap_servers), enable_auto_commit=False)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    records: list = []
    deadline = time.monotonic() + timeout
    while len(records) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=200).values():
            records.extend(batch)
    consumer.close()
    return records


def committed(settings: KafkaSettings, group: str, topic: str) -> int | None:
    consumer = KafkaConsumer(bootstrap_servers=list(settings.bootstrap_servers), group_id=group,
                             enable_auto_commit=False)
    try:
        return consumer.committed(TopicPartition(topic, 0))
    finally:
        consumer.close(autocommit=False)


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.05)
