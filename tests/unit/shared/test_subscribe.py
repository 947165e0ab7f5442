"""subscribe_known: no group join before the broker's metadata lists the topics' partitions."""

from __future__ import annotations

import pytest

from shared.kafka import subscribe


class SlowMetadataConsumer:
    """Knows a topic's partitions only after `unknown_for` lookups, like a client racing a fresh broker."""

    def __init__(self, unknown_for: int):
        self.unknown_for, self.lookups, self.subscribed = unknown_for, 0, None

    def partitions_for_topic(self, topic: str) -> set[int]:
        self.lookups += 1
        return set() if self.lookups <= self.unknown_for else {0, 1, 2}

    def subscribe(self, topics: list[str], listener=None) -> None:
        assert self.lookups > self.unknown_for, "joined the group before the partitions were known"
        self.subscribed = topics


def test_subscribes_once_partitions_are_known(monkeypatch):
    monkeypatch.setattr(subscribe.time, "sleep", lambda seconds: None)
    consumer = SlowMetadataConsumer(unknown_for=3)
    subscribe.subscribe_known(consumer, ["shipments.v1"])
    assert consumer.subscribed == ["shipments.v1"]
    assert consumer.lookups == 4


def test_a_topic_that_never_appears_times_out_without_subscribing(monkeypatch):
    clock = iter(range(0, 1000, 10))
    monkeypatch.setattr(subscribe.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(subscribe.time, "monotonic", lambda: next(clock))
    consumer = SlowMetadataConsumer(unknown_for=10**6)
    with pytest.raises(TimeoutError, match=r"shipments\.v1"):
        subscribe.subscribe_known(consumer, ["shipments.v1"], timeout=30)
    assert consumer.subscribed is None
