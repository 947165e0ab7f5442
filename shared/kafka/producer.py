"""The one way events leave a process: validated CloudEvents, batched, flushed, acked by all replicas."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from shared.config import KafkaSettings
from shared.errors import TransientError
from shared.events.envelope import CONTENT_TYPE, CloudEvent, encode
from shared.kafka.topics import topic_for

Headers = list[tuple[str, bytes]]
# kafka-python's flush() waits with no bound of its own: after a partition leader was stopped, its batches were
# seen neither sent nor expired, and a request thread waited for good (tests/replication). So a flush is bounded
# by the producer's own delivery timeout plus this margin, and an unacknowledged send is a transient failure.
FLUSH_MARGIN_S = 5.0


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers


TopicOf = Callable[[str], str]


def catalog_topic(short_type: str) -> str:
    """The declared topic of an event type (tests route to throwaway topics instead)."""
    return topic_for(short_type).name


def record_for(event: CloudEvent, topic_of: TopicOf = catalog_topic) -> OutgoingRecord:
    """The Kafka record of an event: its type's topic, keyed by its subject (the aggregate id)."""
    return OutgoingRecord(
        topic=topic_of(event.short_type),
        key=event.subject.encode(),
        value=encode(event),
        headers=[("content-type", CONTENT_TYPE.encode())],
    )


def make_kafka_producer(settings: KafkaSettings, **overrides) -> KafkaProducer:
    """An idempotent producer that waits for every in-sync replica and batches for a few ms."""
    options = dict(
        bootstrap_servers=list(settings.bootstrap_servers),
        client_id=settings.client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        batch_size=64 * 1024,
        max_in_flight_requests_per_connection=5,
        request_timeout_ms=15_000,
        delivery_timeout_ms=30_000,
        bootstrap_timeout_ms=3_000,  # see shared.kafka.consumer.BOOTSTRAP_TIMEOUT_MS
    )
    options.update(overrides)
    return KafkaProducer(**options)


class EventProducer:
    """Sends records in a batch and then waits once: never one round trip per record."""

    def __init__(self, producer: KafkaProducer, topic_of: TopicOf = catalog_topic):
        self._producer = producer
        self._topic_of = topic_of

    def publish(self, events: Iterable[CloudEvent]) -> None:
        """Send every event and return once all are acknowledged; raises TransientError otherwise."""
        self.send_records([record_for(event, self._topic_of) for event in events])

    def send_records(self, records: Sequence[OutgoingRecord]) -> None:
        """Send raw records (dead letters, replays) with the same all-or-error guarantee."""
        futures = [
            self._producer.send(r.topic, key=r.key, value=r.value, headers=r.headers) for r in records
        ]
        try:
            self._producer.flush(timeout=self._flush_timeout_s())
        except KafkaTimeoutError as exc:
            raise TransientError(f"broker did not acknowledge in time: {exc!r}") from exc
        for future in futures:
            try:
                future.get(timeout=0)
            except KafkaError as exc:
                raise TransientError(f"broker did not acknowledge a record: {exc!r}") from exc

    def _flush_timeout_s(self) -> float:
        return self._producer.config["delivery_timeout_ms"] / 1000 + FLUSH_MARGIN_S

    def close(self, timeout: float = 10) -> None:
        self._producer.close(timeout=timeout)
