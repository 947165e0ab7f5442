"""Booked shipments from `shipments.v1`, read in the simulator's own consumer group."""

from __future__ import annotations

import logging
import time

from kafka import KafkaConsumer

from shared.errors import InvalidEnvelope, SchemaViolation, UnknownEventType
from shared.events.envelope import CloudEvent, decode
from shared.kafka.subscribe import subscribe_known
from shared.kafka.topics import SHIPMENTS

log = logging.getLogger(__name__)
DEFAULT_GROUP = "simulator"


class ShipmentWatcher:
    """`from_beginning`: a new group starts at the oldest record (to adopt earlier bookings), else at the end."""

    def __init__(self, bootstrap_servers: list[str], group: str = DEFAULT_GROUP, from_beginning: bool = False,
                 topic: str = SHIPMENTS.name):
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=group, client_id="parcelbridge-simulator",
            auto_offset_reset="earliest" if from_beginning else "latest", enable_auto_commit=True,
        )
        self.topic = topic
        self.skipped = 0

    def wait_until_assigned(self, timeout: float = 30.0) -> None:
        """Join the group before any order is placed, so no booking of ours is missed."""
        deadline = time.monotonic() + timeout
        subscribe_known(self.consumer, [self.topic], timeout=timeout)
        while not self.consumer.assignment():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no partition of {SHIPMENTS.name} assigned within {timeout:.0f}s")
            self.consumer.poll(timeout_ms=200)

    def poll(self, timeout_ms: int = 50) -> list[CloudEvent]:
        """The valid events that arrived; records that do not decode are counted and skipped."""
        events = []
        for records in self.consumer.poll(timeout_ms=timeout_ms).values():
            for record in records:
                try:
                    events.append(decode(record.value))
                except (InvalidEnvelope, UnknownEventType, SchemaViolation) as exc:
                    self.skipped += 1
                    log.warning("skipped a shipments record", extra={"offset": record.offset, "error": str(exc)})
        return events

    def close(self) -> None:
        self.consumer.close()
