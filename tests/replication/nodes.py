"""Watching and failing the nodes of the test cluster: who leads a partition, kill it, time the election."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from ops.infra import processes


@dataclass(frozen=True)
class Failover:
    node: int
    how: str  # "SIGTERM" (controlled shutdown) or "SIGKILL"
    elected_s: float  # from the signal until the partition named a live leader again
    rejoined_s: float  # from the restart until every replica was back in sync


def partitions(admin: KafkaAdminClient, topics: list[str]) -> list[dict]:
    """Every partition of `topics` as the cluster describes it; [] while no node answers."""
    try:
        described = admin.describe_topics(topics)
    except KafkaError:
        return []
    return [p | {"topic": t["name"]} for t in described for p in t["partitions"]]


def leader_of(admin: KafkaAdminClient, topic: str, partition: int) -> int:
    found = [p["leader_id"] for p in partitions(admin, [topic]) if p["partition_index"] == partition]
    return found[0] if found else -1


def signal_node(pid_file: Path, how: str) -> int:
    """SIGTERM (a controlled shutdown: it hands its leaderships over first) or SIGKILL (gone mid-write)."""
    pid = processes.read_pid(pid_file)
    assert pid is not None and processes.is_alive(pid), f"no node runs from {pid_file}"
    os.killpg(pid, signal.Signals[how])
    return pid


def wait_gone(pid: int, timeout: float = 60.0) -> None:
    """Wait for the node to exit; one that outlasts its controlled shutdown is killed."""
    if not processes.wait_until(lambda: not processes.is_alive(pid), timeout, interval=0.05):
        os.killpg(pid, signal.SIGKILL)
        processes.wait_until(lambda: not processes.is_alive(pid), 10, interval=0.05)


def wait_for_leader_other_than(admin: KafkaAdminClient, topic: str, partition: int, gone: int,
                               timeout: float = 60.0) -> float:
    """Seconds until the partition has a leader other than `gone`; fails past `timeout`."""
    began = time.monotonic()
    elected = processes.wait_until(lambda: leader_of(admin, topic, partition) not in (gone, -1), timeout, 0.05)
    assert elected, f"{topic}[{partition}] had no new leader {timeout:.0f}s after node {gone} went"
    return time.monotonic() - began


def wait_in_sync(admin: KafkaAdminClient, topics: list[str], replicas: int = 3, timeout: float = 90.0) -> float:
    """Seconds until every partition of `topics` has all its replicas in sync again."""
    began = time.monotonic()

    def all_in_sync() -> bool:
        found = partitions(admin, topics)
        return bool(found) and all(len(p["isr_nodes"]) == replicas for p in found)

    assert processes.wait_until(all_in_sync, timeout, 0.2), f"replicas of {topics} not in sync after {timeout:.0f}s"
    return time.monotonic() - began
