"""Read-only Kafka access: the admin client for metadata, offsets and groups, and consumers that never join
a group (no group id, no commits; `assign` + `seek`), so the console never shows up as a consumer group.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, OffsetSpec
from kafka.consumer.fetcher import ConsumerRecord

from shared.config import KafkaSettings
from shared.kafka.admin import admin_client

TP = tuple[str, int]
INTERNAL_PREFIX = "__"


@dataclass(frozen=True)
class TopicMeta:
    name: str
    partitions: tuple[int, ...]
    under_replicated: int
    retention_ms: int | None


@dataclass(frozen=True)
class GroupMeta:
    group_id: str
    state: str
    members: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class OffsetsSnapshot:
    """Committed offsets fetched first, then log start and end offsets (so lag is never negative)."""

    at: float
    committed: Mapping[str, Mapping[TP, int]]
    starts: Mapping[TP, int]
    ends: Mapping[TP, int]


class KafkaInspector:
    """One per process; its clients are made on first use (after any fork) and guarded by a lock."""

    def __init__(self, settings: KafkaSettings, client_id: str = "parcelbridge-console") -> None:
        self.settings = settings
        self.client_id = client_id
        self._lock = threading.Lock()
        self._admin: KafkaAdminClient | None = None

    def admin(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = admin_client(self.settings.bootstrap_servers, self.client_id)
        return self._admin

    def close(self) -> None:
        with self._lock:
            if self._admin is not None:
                self._admin.close()
                self._admin = None

    def topics(self, include_internal: bool = False) -> list[TopicMeta]:
        with self._lock:
            described = self.admin().describe_topics()
            names = [t["name"] for t in described if include_internal or not t["name"].startswith(INTERNAL_PREFIX)]
            retention = self._retention(names)
        metas = []
        for topic in described:
            if topic["name"] not in names:
                continue
            parts = topic["partitions"]
            under = sum(1 for p in parts if len(p.get("isr_nodes", [])) < len(p.get("replica_nodes", [])))
            metas.append(TopicMeta(topic["name"], tuple(sorted(p["partition_index"] for p in parts)), under,
                                   retention.get(topic["name"])))
        return sorted(metas, key=lambda m: m.name)

    def _retention(self, names: list[str]) -> dict[str, int | None]:
        if not names:
            return {}
        resources = [ConfigResource(ConfigResourceType.TOPIC, n, {"retention.ms": None}) for n in names]
        found = self.admin().describe_configs(resources, config_filter="all").get("topic", {})
        values: dict[str, int | None] = {}
        for name in names:
            raw = (found.get(name) or {}).get("retention.ms", {}).get("value")
            values[name] = int(raw) if raw not in (None, "") else None
        return values

    def groups(self) -> list[GroupMeta]:
        with self._lock:
            listed = self.admin().list_groups()
            ids = [g["group_id"] for g in listed if g.get("protocol_type") in ("consumer", "")]
            described = self.admin().describe_groups(ids) if ids else {}
        return [GroupMeta(gid, d.get("group_state", "Unknown"), tuple(_member(m) for m in d.get("members", [])))
                for gid, d in sorted(described.items())]

    def group(self, group_id: str) -> GroupMeta | None:
        with self._lock:
            described = self.admin().describe_groups([group_id]).get(group_id)
        if not described or described.get("group_state") == "Dead":
            return None
        return GroupMeta(group_id, described.get("group_state", "Unknown"),
                         tuple(_member(m) for m in described.get("members", [])))

    def snapshot(self, groups: Iterable[str] | None = None) -> OffsetsSnapshot:
        """Every group's commits, then the start and end offset of every partition they or any topic have."""
        with self._lock:
            admin = self.admin()
            ids = list(groups) if groups is not None else [g["group_id"] for g in admin.list_groups()]
            committed_raw = admin.list_group_offsets(ids) if ids else {}
            partitions = [TopicPartition(t["name"], p["partition_index"]) for t in admin.describe_topics()
                          if not t["name"].startswith(INTERNAL_PREFIX) for p in t["partitions"]]
            ends = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST)) if partitions else {}
            starts = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.EARLIEST)) if partitions else {}
        committed = {
            gid: {(tp.topic, tp.partition): om.offset for tp, om in offsets.items() if om.offset >= 0}
            for gid, offsets in committed_raw.items()
        }
        return OffsetsSnapshot(time.time(), committed, {(tp.topic, tp.partition): o.offset for tp, o in starts.items()},
                               {(tp.topic, tp.partition): o.offset for tp, o in ends.items()})


def _member(raw: dict[str, Any]) -> dict[str, Any]:
    assigned = (raw.get("member_assignment") or {}).get("assigned_partitions") or []
    return {"member_id": raw.get("member_id"), "client_id": raw.get("client_id"), "host": raw.get("client_host"),
            "assignment": [{"topic": a["topic"], "partitions": list(a["partitions"])} for a in assigned]}


class RecordReader:
    """A group-less consumer for one request: reads ranges of offsets, looks records up by offset or time."""

    def __init__(self, settings: KafkaSettings, client_id: str = "parcelbridge-console-reader") -> None:
        self.consumer = KafkaConsumer(
            bootstrap_servers=list(settings.bootstrap_servers), client_id=client_id, group_id=None,
            enable_auto_commit=False, fetch_max_wait_ms=50, max_poll_records=500, consumer_timeout_ms=1000,
        )

    def __enter__(self) -> RecordReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.consumer.close(autocommit=False)

    def bounds(self, tps: list[TopicPartition]) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        return self.consumer.beginning_offsets(tps), self.consumer.end_offsets(tps)

    def partitions(self, topic: str) -> list[TopicPartition]:
        return [TopicPartition(topic, p) for p in sorted(self.consumer.partitions_for_topic(topic) or ())]

    def offset_for_time(self, tp: TopicPartition, timestamp_ms: int) -> int | None:
        """The first offset whose record is at or after the time (None: none is)."""
        found = self.consumer.offsets_for_times({tp: timestamp_ms}).get(tp)
        return None if found is None else found.offset

    def read_range(self, tp: TopicPartition, first: int, last: int, deadline: float) -> list[ConsumerRecord]:
        """Records with first ≤ offset < last (fewer if the deadline passes)."""
        if last <= first:
            return []
        self.consumer.assign([tp])
        self.consumer.seek(tp, first)
        records: list[ConsumerRecord] = []
        while time.monotonic() < deadline:
            batch = self.consumer.poll(timeout_ms=200, max_records=500).get(tp, [])
            records.extend(r for r in batch if r.offset < last)
            if (records and records[-1].offset >= last - 1) or (batch and batch[-1].offset >= last - 1):
                break
            if not batch and self.consumer.position(tp) >= last:
                break
        return records

    def record_at(self, tp: TopicPartition, offset: int, timeout: float = 1.5) -> ConsumerRecord | None:
        """The record at `offset`, or the next one after it (compacted or deleted offsets)."""
        records = self.read_range(tp, offset, offset + 1, time.monotonic() + timeout)
        return records[0] if records else None

    def tail(self, tps: list[TopicPartition], stop: threading.Event, max_seconds: float
             ) -> Iterator[ConsumerRecord | None]:
        """New records as they arrive (None every idle poll, so a caller can send keep-alives)."""
        self.consumer.assign(tps)
        self.consumer.seek_to_end(*tps)
        for tp in tps:
            self.consumer.position(tp)
        ends = time.monotonic() + max_seconds
        while not stop.is_set() and time.monotonic() < ends:
            batch = self.consumer.poll(timeout_ms=1000, max_records=200)
            if not batch:
                yield None
            for records in batch.values():
                yield from records
