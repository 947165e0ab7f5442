"""The consumer runner: poll a batch, hand each event to its handler, commit only what succeeded.

Permanent failures are dead-lettered and the partition moves on. Transient failures are retried
with capped backoff on the same record; nothing at or after it is committed until it succeeds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata
from prometheus_client import Counter

from shared.backoff import Backoff
from shared.config import KafkaSettings
from shared.events.envelope import CloudEvent, decode
from shared.failures import is_transient
from shared.kafka.batching import GroupKey, same_key_groups, short_type_of
from shared.kafka.dlq import dead_letter
from shared.kafka.producer import EventProducer
from shared.kafka.subscribe import subscribe_known
from shared.logs import request_id_var

log = logging.getLogger(__name__)

Handler = Callable[[CloudEvent], None]
# Applies several events of one aggregate (same key, same type, in order) at once, e.g. in one store write.
BatchHandler = Callable[[list[CloudEvent]], None]

RECORDS = Counter(
    "parcelbridge_consumer_records_total",
    "Records seen by a consumer runner, by outcome (applied, skipped, dead_lettered, retried).",
    ["group", "topic", "outcome"],
)


DEFAULT_BACKOFF = Backoff()
# kafka-python's constructors wait for a broker (30 s by default): a worker started while the broker is down
# tries again after its backoff instead, and hears a stop request within seconds.
BOOTSTRAP_TIMEOUT_MS = 3_000


@dataclass
class Counts:
    """Plain counters of this runner (the Prometheus ones aggregate across runners)."""

    consumed: int = 0
    applied: int = 0
    skipped: int = 0
    failed: int = 0
    dead_lettered: int = 0
    retried: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


class _Stopped(Exception):
    """Raised inside a retry loop when shutdown was asked for; the record stays uncommitted."""


def make_kafka_consumer(
    settings: KafkaSettings, group: str, topics: list[str], listener: ConsumerRebalanceListener | None = None,
    **overrides,
) -> KafkaConsumer:
    """A subscribed consumer that commits only when told; `listener` hears of partitions assigned and revoked."""
    options = dict(
        bootstrap_servers=list(settings.bootstrap_servers),
        client_id=f"{settings.client_id}-{group}",
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=200,
        max_poll_interval_ms=300_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
    )
    options.update(overrides)
    consumer = KafkaConsumer(**options)
    subscribe_known(consumer, topics, listener)
    return consumer


class ConsumerRunner:
    def __init__(
        self,
        consumer: KafkaConsumer,
        dlq: EventProducer,
        handlers: Mapping[str, Handler],
        group: str,
        backoff: Backoff = DEFAULT_BACKOFF,
        stop: threading.Event | None = None,
        batch_handlers: Mapping[str, BatchHandler] | None = None,
    ):
        self.consumer = consumer
        self.dlq = dlq
        self.handlers = dict(handlers)
        self.batch_handlers = dict(batch_handlers or {})
        self.group = group
        self.backoff = backoff
        self.stop = stop or threading.Event()
        self.counts = Counts()

    def run(self, on_poll: Callable[[], None] | None = None) -> None:
        """Poll until `stop` is set (`on_poll` after each poll), then commit what was processed and close."""
        try:
            while not self.stop.is_set():
                self.poll_once()
                if on_poll is not None:
                    on_poll()
        finally:
            self.consumer.close(autocommit=False)

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Process one batch; returns how many records were consumed (committed or dead-lettered)."""
        batch = self.consumer.poll(timeout_ms=timeout_ms)
        done: dict[TopicPartition, OffsetAndMetadata] = {}
        consumed = 0
        try:
            for tp, records in batch.items():
                groups = same_key_groups(records, self._group_key) if self.batch_handlers else {}
                handled: set[int] = set()
                for index, record in enumerate(records):
                    if index not in handled:
                        members = groups.get(index, [])
                        if members and self._apply_group([records[i] for i in members]):
                            handled.update(members)
                        else:
                            self._process(record)
                    done[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                    consumed += 1
        except _Stopped as stopped:
            tp, offset = stopped.args
            self.consumer.seek(tp, offset)
        finally:
            self._commit(done)
        return consumed

    def _commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        if not offsets:
            return
        try:
            self.consumer.commit(offsets)
        except CommitFailedError as exc:
            # The group rebalanced: the new owner re-reads from the last commit; handlers are idempotent.
            log.warning("commit refused after a rebalance; records will be redelivered", extra={"error": str(exc)})

    def _group_key(self, record: ConsumerRecord) -> GroupKey | None:
        short_type = short_type_of(record.value)
        if short_type not in self.batch_handlers or record.key is None:
            return None
        return (short_type, record.key)

    def _apply_group(self, records: list[ConsumerRecord]) -> bool:
        """Hand a same-aggregate run to its batch handler; False sends each record down the one-by-one path.

        That path decides dead letters and retries record by record; handlers are idempotent, so a group
        that failed halfway is safely applied again there.
        """
        try:
            events = [decode(record.value) for record in records]
            self.batch_handlers[events[0].short_type](events)
        except Exception as exc:  # the one-by-one path classifies it, record by record
            log.info("batch not applied; applying its records one by one", extra={"error": repr(exc)[:300]})
            return False
        self.counts.consumed += len(records)
        self.counts.applied += len(records)
        self.counts.by_type[events[0].short_type] = self.counts.by_type.get(events[0].short_type, 0) + len(records)
        RECORDS.labels(self.group, records[0].topic, "applied").inc(len(records))
        return True

    def _process(self, record: ConsumerRecord) -> None:
        self.counts.consumed += 1
        attempt = 0
        while True:
            try:
                self._handle(record)
                return
            except Exception as exc:  # classified below: every failure is retried or dead-lettered
                if not is_transient(exc):
                    self._dead_letter(record, exc)
                    return
                attempt += 1
                self._wait_before_retry(record, exc, attempt)

    def _handle(self, record: ConsumerRecord) -> None:
        event = decode(record.value)
        handler = self.handlers.get(event.short_type)
        token = request_id_var.set(event.requestid)
        try:
            if handler is None:
                # Another consumer's event on a shared topic: not ours to act on, and not a failure.
                self.counts.skipped += 1
                RECORDS.labels(self.group, record.topic, "skipped").inc()
                return
            handler(event)
        finally:
            request_id_var.reset(token)
        self.counts.applied += 1
        self.counts.by_type[event.short_type] = self.counts.by_type.get(event.short_type, 0) + 1
        RECORDS.labels(self.group, record.topic, "applied").inc()

    def _dead_letter(self, record: ConsumerRecord, exc: BaseException) -> None:
        self.counts.failed += 1
        log.error(
            "dead-lettering record",
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset,
                   "error_class": type(exc).__name__, "error": str(exc)[:500]},
        )
        # Sending the dead letter can itself fail transiently; retry that until it is acknowledged.
        attempt = 0
        while True:
            try:
                self.dlq.send_records([dead_letter(record, self.group, exc)])
                break
            except Exception as send_error:  # a DLQ write that fails is retried, never skipped
                attempt += 1
                self._wait_before_retry(record, send_error, attempt)
        self.counts.dead_lettered += 1
        RECORDS.labels(self.group, record.topic, "dead_lettered").inc()

    def _wait_before_retry(self, record: ConsumerRecord, exc: BaseException, attempt: int) -> None:
        self.counts.retried += 1
        RECORDS.labels(self.group, record.topic, "retried").inc()
        delay = self.backoff.delay(attempt)
        log.warning(
            "transient failure; retrying the same record",
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset,
                   "attempt": attempt, "delay_s": delay, "error": repr(exc)[:500]},
        )
        if self.stop.wait(delay):
            raise _Stopped(TopicPartition(record.topic, record.partition), record.offset)
