"""What actually reached the topics and the store, read after the run."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition


def topic_events(bootstrap: Sequence[str], topic: str) -> list[dict]:
    """Every event on every partition of `topic`, from the beginning to the current end, without a group."""
    consumer = KafkaConsumer(bootstrap_servers=list(bootstrap), enable_auto_commit=False, consumer_timeout_ms=5000)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        events: list[dict] = []
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            batches = consumer.poll(timeout_ms=2000)
            events += [json.loads(r.value) for records in batches.values() for r in records]
        return events
    finally:
        consumer.close()


@dataclass(frozen=True)
class Delivery:
    """What became of the events written for `expected` subjects."""

    records: int  # records of the type on the topic, duplicates included
    distinct: int  # distinct event ids among them
    lost: list[str]  # expected subjects with no event at all
    repeated: list[str]  # subjects with more than one distinct event (applied more than once)

    @property
    def duplicates(self) -> int:
        return self.records - self.distinct


def delivery(events: Iterable[dict], event_type: str, expected: Sequence[str], subject_of=lambda e: e["subject"]):
    """Count the events of `event_type` per expected subject (the order id: its `subject`, or a field of its data)."""
    chosen = [e for e in events if e["type"] == event_type]
    distinct = {e["id"]: subject_of(e) for e in chosen}
    per_subject = Counter(distinct.values())
    return Delivery(
        records=len(chosen), distinct=len(distinct),
        lost=[s for s in expected if per_subject[s] == 0],
        repeated=[s for s in expected if per_subject[s] > 1],
    )
