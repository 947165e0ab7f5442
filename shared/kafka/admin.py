"""Creates topics idempotently and answers whether the broker is reachable."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from shared.kafka.topics import TOPICS, Topic, replication_for

log = logging.getLogger(__name__)


def admin_client(bootstrap_servers: Iterable[str], client_id: str = "parcelbridge-admin") -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=list(bootstrap_servers), client_id=client_id, request_timeout_ms=10_000,
        bootstrap_timeout_ms=3_000,  # a worker started while the broker is down tries again, see shared.resilience
    )


def topic_specs(topics: Iterable[Topic], brokers: int = 1) -> dict[str, dict]:
    """kafka-python's create_topics argument for each topic and its dead-letter topic, on `brokers` nodes."""
    factor, min_insync = replication_for(brokers)
    # One node keeps the broker's defaults as they always were; a cluster states its durability per topic.
    durability = {"min.insync.replicas": str(min_insync)} if factor > 1 else {}
    specs: dict[str, dict] = {}
    for topic in topics:
        specs[topic.name] = {
            "num_partitions": topic.partitions, "replication_factor": factor,
            "configs": {"retention.ms": str(topic.retention_ms), **durability},
        }
        specs[topic.dlq] = {
            "num_partitions": 1, "replication_factor": factor,
            "configs": {"retention.ms": str(30 * 24 * 3600 * 1000), **durability},
        }
    return specs


def broker_count(admin: KafkaAdminClient) -> int:
    """Nodes registered in the cluster, a fenced (down) one included: a node's outage must not lower the replicas."""
    return len(admin.describe_cluster()["brokers"])


def ensure_topics(admin: KafkaAdminClient, topics: Iterable[Topic] = TOPICS) -> list[str]:
    """Create whichever declared topics are missing, replicated as the cluster's size allows; returns their names."""
    topics = list(topics)
    existing = set(admin.list_topics())
    if set(topic_specs(topics)) <= existing:
        return []
    specs = topic_specs(topics, broker_count(admin))
    missing = {name: spec for name, spec in specs.items() if name not in existing}
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
