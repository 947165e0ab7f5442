"""Records in every dead-letter topic at the end of the run (carrier-scans.v1.dlq should hold none).

shipments.v1.dlq and tracking.v1.dlq hold the orders service's refusals of the cloned bookings (it never saw
their orders) and of their status changes: expected on the bench stack, listed so nothing else hides there.
"""

from __future__ import annotations

from kafka import KafkaConsumer, TopicPartition

from bench.stack import Bench
from shared.kafka.topics import TOPICS


def counts(bench: Bench) -> dict[str, int]:
    consumer = KafkaConsumer(bootstrap_servers=list(bench.kafka.bootstrap_servers), enable_auto_commit=False)
    try:
        found = {}
        for topic in (t.dlq for t in TOPICS):
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
            found[topic] = sum(consumer.end_offsets(partitions).values()) if partitions else 0
        return found
    finally:
        consumer.close()
