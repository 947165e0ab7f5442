"""Join a consumer group only once the broker's metadata names every partition of the topics.

A group leader that assigns before its client has the topic's metadata hands out nothing ("No partition
metadata for topic …"), and kafka-python does not always rejoin when the metadata arrives later: the
simulator's watcher sat with no partition for 30 s on a fresh broker in CI. Asking for the partitions
first makes the first assignment a whole one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from kafka import ConsumerRebalanceListener, KafkaConsumer

POLL_SECONDS = 0.2


def subscribe_known(
    consumer: KafkaConsumer, topics: Sequence[str], listener: ConsumerRebalanceListener | None = None,
    timeout: float = 30.0,
) -> None:
    """Subscribe `consumer` to `topics` after each has partitions in its metadata; TimeoutError if one never does."""
    deadline = time.monotonic() + timeout
    for topic in topics:
        while not consumer.partitions_for_topic(topic):
            if time.monotonic() > deadline:
                raise TimeoutError(f"topic {topic} has no partitions in the broker's metadata after {timeout:.0f}s")
            time.sleep(POLL_SECONDS)
    consumer.subscribe(list(topics), listener=listener)
