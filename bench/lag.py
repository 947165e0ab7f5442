"""Consumer-group lag: how far a group's committed offsets are behind the end of a topic."""

from __future__ import annotations

import time
from collections.abc import Callable

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from shared.config import KafkaSettings


class LagProbe:
    """Reads end offsets and a group's committed offsets; one pair of clients reused across polls."""

    def __init__(self, kafka: KafkaSettings, group: str, topic: str):
        servers = list(kafka.bootstrap_servers)
        self.group, self.topic = group, topic
        self.admin = KafkaAdminClient(bootstrap_servers=servers, client_id="parcelbridge-bench-lag")
        self.consumer = KafkaConsumer(bootstrap_servers=servers, client_id="parcelbridge-bench-lag")
        self.partitions = [TopicPartition(topic, p) for p in sorted(self.consumer.partitions_for_topic(topic) or ())]

    def ends(self) -> dict[TopicPartition, int]:
        return self.consumer.end_offsets(self.partitions)

    def lag(self, ends: dict[TopicPartition, int]) -> int:
        """Records up to `ends` the group has not committed yet."""
        offsets = self.admin.list_group_offsets(self.group).get(self.group, {})
        return sum(max(0, end - _offset(offsets.get(tp))) for tp, end in ends.items())

    def wait_caught_up(self, ends: dict[TopicPartition, int], timeout_s: float,
                       on_lag: Callable[[int], None] | None = None, interval_s: float = 0.1) -> float:
        """Poll until the group committed everything up to `ends`; returns the perf_counter time it did."""
        deadline = time.perf_counter() + timeout_s
        while True:
            remaining = self.lag(ends)
            if on_lag:
                on_lag(remaining)
            if remaining == 0:
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise TimeoutError(f"group {self.group} still {remaining} records behind on {self.topic}")
            time.sleep(interval_s)

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


def _offset(value) -> int:
    return value.offset if value is not None and value.offset >= 0 else 0
