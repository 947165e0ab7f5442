"""Driving the consumer runner and reading topics in the tracking integration tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from kafka import KafkaConsumer, TopicPartition

from services.tracking.bootstrap import TrackingService
from shared.batch.runner import BatchRunner


def run_until(runner: BatchRunner, done: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; counts={runner.counts}")
        runner.poll_once(timeout_ms=300)


def records_on(service: TrackingService, topic: str) -> int:
    """How many records a one-partition topic holds."""
    consumer = KafkaConsumer(bootstrap_servers=list(service.settings.kafka.bootstrap_servers))
    try:
        partition = TopicPartition(topic, 0)
        return consumer.end_offsets([partition])[partition]
    finally:
        consumer.close()
