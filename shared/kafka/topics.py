"""Every topic, declared once: name, partitions, what keys it and which event types it carries."""

from __future__ import annotations

from dataclasses import dataclass

from shared.events.catalog import EVENT_TYPES

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str
    event_types: tuple[str, ...]
    retention_ms: int = 7 * 24 * 3600 * 1000

    @property
    def dlq(self) -> str:
        return self.name + DLQ_SUFFIX


# Not in the brief: shipper API keys are owned by orders but checked by every shipper-facing API,
# so their hashes travel as events and each service keeps its own copy.
SHIPPERS = Topic("shippers.v1", 1, "shipper id", ("shipper.key_issued", "shipper.key_revoked"))
ORDERS = Topic("orders.v1", 3, "order id", ("order.placed", "order.cancelled"))
SHIPMENTS = Topic(
    "shipments.v1",
    3,
    "shipment id",
    ("shipment.booked", "shipment.booking_failed", "shipment.cancelled", "shipment.cancellation_refused"),
)
CARRIER_SCANS = Topic("carrier-scans.v1", 6, "shipment id", ("scan.recorded",))
TRACKING = Topic("tracking.v1", 3, "shipment id", ("tracking.status_changed",))

TOPICS: tuple[Topic, ...] = (SHIPPERS, ORDERS, SHIPMENTS, CARRIER_SCANS, TRACKING)
_BY_EVENT = {event_type: topic for topic in TOPICS for event_type in topic.event_types}


def replication_for(brokers: int) -> tuple[int, int]:
    """Replication factor and min.insync.replicas on a cluster of `brokers` nodes: production's 3 and 2 from 3 up.

    With 2 nodes, min ISR stays 1: requiring both would stop every write while either is down.
    """
    factor = max(1, min(3, brokers))
    return factor, 2 if factor >= 3 else 1


def topic_for(short_type: str) -> Topic:
    """The one topic that carries events of this type."""
    return _BY_EVENT[short_type]


def all_topic_names() -> list[str]:
    """Every topic and its dead-letter topic, as created at start-up."""
    return [name for topic in TOPICS for name in (topic.name, topic.dlq)]


def _check_catalog() -> None:
    missing = set(EVENT_TYPES) - set(_BY_EVENT)
    if missing:
        raise RuntimeError(f"event types with no topic: {sorted(missing)}")


_check_catalog()
