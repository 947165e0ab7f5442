"""Creates topics idempotently and answers whether the broker is reachable."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from shared.kafka.topics import TOPICS, Topic

log = logging.getLogger(__name__)


def admin_client(bootstrap_servers: Iterable[str], client_id: str = "parcelbridge-admin") -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=list(bootstrap_servers), client_id=client_id, request_timeout_ms=10_000,
        bootstrap_timeout_ms=3_000,  # a worker started while the broker is down tries again, see shared.resilience
    )


def topic_specs(topics: Iterable[Topic], replication_factor: int = 1) -> dict[str, dict]:
    """kafka-python's create_topics argument for each topic and its dead-letter topic."""
    specs: dict[str, dict] = {}
    for topic in topics:
        configs = {"retention.ms": str(topic.retention_ms)}
        specs[topic.name] = {
            "num_partitions": topic.partitions, "replication_factor": replication_factor, "configs": configs,
        }
        specs[topic.dlq] = {
            "num_partitions": 1, "replication_factor": replication_factor,
            "configs": {"retention.ms": str(30 * 24 * 3600 * 1000)},
        }
    return specs


def ensure_topics(admin: KafkaAdminClient, topics: Iterable[Topic] = TOPICS, replication_factor: int = 1) -> list[str]:
    """Create whichever declared topics are missing; returns the names created."""
    specs = topic_specs(topics, replication_factor)
    existing = set(admin.list_topics())
    missing = {name: spec for name, spec in specs.items() if name not in existing}
    if not missing:
        return []
    try:
        admin.create_topics(missing, wait_for_metadata=True)
    except TopicAlreadyExistsError:
        log.info("topics created concurrently by another process")
    log.info("created topics", extra={"topics": sorted(missing)})
    return sorted(missing)


def broker_reachable(admin: KafkaAdminClient) -> bool:
    """True when the cluster answers a metadata request."""
    try:
        admin.list_topics()
    except Exception:  # any failure to answer means "not ready"; readiness reports, it does not raise
        return False
    return True
