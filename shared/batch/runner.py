"""The batch runner: poll, dead-letter the poison records one by one, apply the rest as one unit, commit.

Same contract as ConsumerRunner: offsets are committed only after the unit's writes (and its outbox publish)
succeeded; permanent failures go to `<topic>.dlq` with the same headers; transient ones retry the whole batch
with capped backoff, never skipping a record; SIGTERM during a retry leaves the batch for the next owner.
A commit that fails rewinds the batch's partitions, so the batch is delivered again (the unit is idempotent)
and no later batch is committed past it. While the broker or store is out the runner reports not-ready.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from shared.backoff import WORKER_BACKOFF, Backoff
from shared.batch.fold import Rejection
from shared.batch.position import positioned
from shared.config import KafkaSettings
from shared.events.envelope import CloudEvent, decode
from shared.failures import KAFKA, dependency_of, is_transient
from shared.kafka.consumer import RECORDS, Counts, make_kafka_consumer
from shared.kafka.dlq import dead_letter
from shared.kafka.producer import EventProducer
from shared.liveness import WorkerReadiness, readiness
from shared.resilience import FRESH_CLIENTS_AFTER, RETRIES, closed_on_failure

log = logging.getLogger(__name__)
DEFAULT_BACKOFF = WORKER_BACKOFF
# Bounds on the consumer's own waits, so a stop request is heard within seconds even with the broker gone:
# kafka-python's commit waits for ever by default and its close up to request_timeout_ms (305 s).
COMMIT_TIMEOUT_MS = 10_000
CLOSE_TIMEOUT_MS = 3_000
Pair = tuple[ConsumerRecord, CloudEvent]
Failure = tuple[ConsumerRecord, BaseException]


class Unit(Protocol):
    def handles(self, short_type: str) -> bool: ...

    def apply(self, events: Sequence[CloudEvent]) -> list[Rejection]: ...

    def forget(self) -> None: ...


class ForgetOnRevoke(ConsumerRebalanceListener):
    """Calls `forget` whenever partitions are taken away: their documents may now be written by another process."""

    def __init__(self, forget: Callable[[], None]):
        self.forget = forget

    def on_partitions_revoked(self, revoked) -> None:
        self.forget()

    def on_partitions_assigned(self, assigned) -> None:
        pass


class _Stopped(Exception):
    """Raised inside a retry wait when shutdown was asked for; the batch stays uncommitted."""


class BatchRunner:
    def __init__(self, consumer: KafkaConsumer, dlq: EventProducer, unit: Unit, group: str,
                 backoff: Backoff = DEFAULT_BACKOFF, stop: threading.Event | None = None,
                 on_poll: Callable[[], None] | None = None, ready: WorkerReadiness = readiness):
        self.consumer = consumer
        self.dlq = dlq
        self.unit = unit
        self.group = group
        self.backoff = backoff
        self.stop = stop or threading.Event()
        self.on_poll = on_poll  # called after every poll, records or not (liveness)
        self.counts = Counts()
        self.ready = ready
        self.ready.waiting_for(KAFKA, f"group {group}: not polled yet")  # ready once its coordinator answers
        self._commit_failures = 0

    def run(self, on_poll: Callable[[], None] | None = None) -> None:
        """Poll until `stop` is set, then close the consumer (every finished batch is committed already)."""
        if on_poll is not None:
            self.on_poll = on_poll
        try:
            while not self.stop.is_set():
                self.poll_once()
        finally:
            self.consumer.close(autocommit=False, timeout_ms=CLOSE_TIMEOUT_MS)

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Apply one poll as a unit; returns how many records were consumed (applied, skipped or dead-lettered)."""
        batch = self.consumer.poll(timeout_ms=timeout_ms)
        if self.on_poll:
            self.on_poll()
        self._report_group()
        records = [record for partition in batch.values() for record in partition]
        if not records:
            return 0
        try:
            self._apply(records)
            if not self._commit(batch):
                return 0
        except _Stopped:
            self._rewind(batch)
            return 0
        self.counts.consumed += len(records)
        self.ready.recovered()
        return len(records)

    def _report_group(self) -> None:
        """Not ready while the group's coordinator is unknown: kafka-python's poll says nothing when the broker
        is gone, it just returns no records, so its coordinator state is the only sign (no public API has it)."""
        coordinator = getattr(self.consumer, "_coordinator", None)
        if coordinator is not None and coordinator.coordinator_unknown():
            self.ready.waiting_for(KAFKA, f"group {self.group}: no group coordinator reachable")
        else:
            self.ready.recovered(KAFKA)

    def _apply(self, records: list[ConsumerRecord]) -> None:
        poison: list[Failure] = []
        pairs = [pair for record in records if (pair := self._decode(record, poison))]
        with positioned(pairs):
            refused = self._settle(pairs) if pairs else []
        record_of = {id(event): record for record, event in pairs}
        self._dead_letter([*poison, *((record_of[id(event)], error) for event, error in refused)])
        left_out = {id(event) for event, _ in refused}
        for record, event in pairs:
            if id(event) not in left_out:
                self._count(record, event, "applied")

    def _decode(self, record: ConsumerRecord, poison: list[Failure]) -> Pair | None:
        """The record's event if the unit handles it; a poison record joins `poison`, to be dead-lettered."""
        try:
            event = decode(record.value)
        except Exception as exc:  # decode raises only permanent errors: the record cannot be read
            poison.append((record, exc))
            return None
        if not self.unit.handles(event.short_type):
            # Another consumer's event on a shared topic: not ours to act on, and not a failure.
            self.counts.skipped += 1
            RECORDS.labels(self.group, record.topic, "skipped").inc()
            return None
        return record, event

    def _settle(self, pairs: list[Pair]) -> list[Rejection]:
        """The unit's refusals; transient failures retry, anything else is narrowed down to one event at a time."""
        attempt = 0
        while True:
            try:
                return self.unit.apply([event for _, event in pairs])
            except Exception as exc:  # classified: retried, or split until the failing event stands alone
                if not is_transient(exc):
                    if len(pairs) == 1:
                        return [(pairs[0][1], exc)]
                    log.warning("batch failed; applying its events one by one", extra={"error": repr(exc)[:300]})
                    return [rejection for pair in pairs for rejection in self._settle([pair])]
                attempt += 1
                if dependency_of(exc) == KAFKA and attempt >= FRESH_CLIENTS_AFTER:
                    raise  # the worker starts again on fresh clients; the uncommitted batch is delivered again
                self._wait_before_retry(pairs[0][0], exc, attempt)

    def _count(self, record: ConsumerRecord, event: CloudEvent, outcome: str) -> None:
        self.counts.applied += 1
        self.counts.by_type[event.short_type] = self.counts.by_type.get(event.short_type, 0) + 1
        RECORDS.labels(self.group, record.topic, outcome).inc()

    def _commit(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> bool:
        """Commit past the batch; on a broker failure rewind it instead (it is delivered again) and say False."""
        offsets = {tp: OffsetAndMetadata(partition[-1].offset + 1, "", -1) for tp, partition in batch.items()}
        try:
            self.consumer.commit(offsets, timeout_ms=COMMIT_TIMEOUT_MS)
        except Exception as exc:  # classified: a broker failure rewinds, anything else is a bug
            if not is_transient(exc):
                raise
            self._rewind(batch)
            if isinstance(exc, CommitFailedError):
                # The group rebalanced: whoever owns the partitions now re-reads from the last commit.
                log.warning("commit refused after a rebalance; the batch will be redelivered", extra={
                    "error": str(exc)[:300]})
                return False
            self._commit_failures += 1
            first = next(iter(batch.values()))[0]
            self._wait_before_retry(first, exc, self._commit_failures, "commit failed; the batch will be redelivered")
            return False
        self._commit_failures = 0
        return True

    def _rewind(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Seek each partition still assigned back to the batch's first record; a revoked one is re-read from
        the last commit by its next owner."""
        assigned = self.consumer.assignment()
        for tp, partition in batch.items():
            if tp in assigned:
                self.consumer.seek(tp, partition[0].offset)

    def _dead_letter(self, failures: list[Failure]) -> None:
        """Every failed record of a poll to the DLQ in one send (one broker round trip, not one per record)."""
        if not failures:
            return
        failures = sorted(failures, key=lambda failure: (failure[0].topic, failure[0].partition, failure[0].offset))
        for record, exc in failures:
            self.counts.failed += 1
            log.error("dead-lettering record", extra={
                "topic": record.topic, "partition": record.partition, "offset": record.offset,
                "error_class": type(exc).__name__, "error": str(exc)[:500]})
        letters = [dead_letter(record, self.group, exc) for record, exc in failures]
        attempt = 0
        while True:
            try:
                self.dlq.send_records(letters)
                break
            except Exception as send_error:  # a DLQ write that fails is retried, never skipped
                attempt += 1
                self._wait_before_retry(failures[0][0], send_error, attempt)
        for record, _ in failures:
            self.counts.dead_lettered += 1
            RECORDS.labels(self.group, record.topic, "dead_lettered").inc()

    def _wait_before_retry(self, record: ConsumerRecord, exc: BaseException, attempt: int,
                           message: str = "transient failure; retrying the batch") -> None:
        self.counts.retried += 1
        RECORDS.labels(self.group, record.topic, "retried").inc()
        dependency = dependency_of(exc)
        RETRIES.labels(dependency).inc()
        self.ready.waiting_for(dependency, f"group {self.group}: {type(exc).__name__}: {str(exc)[:200]}")
        if self.on_poll:
            self.on_poll()  # alive: it waits on purpose (a call that hangs instead still stalls the heartbeat)
        delay = self.backoff.delay(attempt)
        log.warning(message, extra={
            "topic": record.topic, "partition": record.partition, "offset": record.offset,
            "attempt": attempt, "delay_s": delay, "error": repr(exc)[:500]})
        if self.stop.wait(delay):
            raise _Stopped()


def subscribed_runner(kafka: KafkaSettings, group: str, topics: Sequence[str], unit: Unit, producer: EventProducer,
                      stop: threading.Event | None = None, on_poll: Callable[[], None] | None = None,
                      **overrides) -> BatchRunner:
    """`unit` run by a consumer of `group` on `topics`; `producer` publishes the unit's outbox and dead letters.

    A revoke empties the unit's cache (another consumer may write those documents next), and a consumer that
    cannot be made (broker down at start) closes the producer, so a start tried again leaks no client.
    """
    with closed_on_failure(producer):
        consumer = make_kafka_consumer(kafka, group, list(topics), ForgetOnRevoke(unit.forget), **overrides)
    return BatchRunner(consumer, producer, unit, group, stop=stop, on_poll=on_poll)
