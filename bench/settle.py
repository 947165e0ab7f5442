"""Waiting until the stack has finished what it was given: every service's consumer group caught up.

Lag zero alone is not enough: an event still in an outbox is on no topic yet. So the stack is settled once
every group has committed up to the end of every partition it reads, and no topic end has moved for
`quiet_s` (longer than a relay's pass).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from shared.config import KafkaSettings

SERVICE_GROUPS = ("orders", "shipping", "tracking", "console")


def lag(ends: Mapping[TopicPartition, int], committed: Mapping[str, Mapping[TopicPartition, int]]) -> int:
    """Records past each group's committed offset, over every partition the group has committed on."""
    return sum(max(0, ends[tp] - offset) for offsets in committed.values() for tp, offset in offsets.items())


def wait(kafka: KafkaSettings, quiet_s: float, timeout_s: float) -> dict[str, float | bool]:
    """Block until settled or `timeout_s`; {"settled": whether it did, "seconds": how long it took}."""
    servers = list(kafka.bootstrap_servers)
    admin = KafkaAdminClient(bootstrap_servers=servers, client_id="parcelbridge-bench-settle")
    consumer = KafkaConsumer(bootstrap_servers=servers, client_id="parcelbridge-bench-settle")
    began = time.monotonic()
    try:
        settled = _poll(admin, consumer, quiet_s, began + timeout_s)
    finally:
        admin.close()
        consumer.close()
    return {"settled": settled, "seconds": round(time.monotonic() - began, 1)}


def _poll(admin: KafkaAdminClient, consumer: KafkaConsumer, quiet_s: float, deadline: float) -> bool:
    last_ends: dict[TopicPartition, int] = {}
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        committed = _committed(admin)
        ends = consumer.end_offsets(sorted({tp for offsets in committed.values() for tp in offsets}))
        if ends != last_ends or lag(ends, committed):
            last_ends, still_since = ends, time.monotonic()
        elif time.monotonic() - still_since >= quiet_s:
            return True
        time.sleep(0.25)
    return False


def _committed(admin: KafkaAdminClient) -> dict[str, dict[TopicPartition, int]]:
    found = {}
    for group in SERVICE_GROUPS:
        offsets = admin.list_group_offsets(group).get(group, {})
        found[group] = {tp: meta.offset for tp, meta in offsets.items() if meta is not None and meta.offset >= 0}
    return found
