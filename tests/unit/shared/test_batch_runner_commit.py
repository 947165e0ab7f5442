"""A batch whose commit fails is delivered again, and nothing after it is committed first."""

from __future__ import annotations

import threading
import uuid

import pytest
from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaTimeoutError
from pymongo.errors import AutoReconnect

from shared.backoff import Backoff
from shared.batch.runner import BatchRunner
from shared.errors import TransientError
from shared.events.envelope import CloudEvent, encode, new_event
from shared.liveness import WorkerReadiness

TP = TopicPartition("shippers.v1", 0)


class FakeConsumer:
    """KafkaConsumer's surface the runner uses, over one partition's log; `commit_errors` fail the next commits."""

    def __init__(self, values: list[bytes]) -> None:
        self.log = values
        self.position = 0
        self.committed: list[int] = []
        self.commit_errors: list[Exception] = []
        self.coordinator_known = True

    def poll(self, timeout_ms: int = 0) -> dict[TopicPartition, list[ConsumerRecord]]:
        taken = [_record(offset, self.log[offset]) for offset in range(self.position, min(self.position + 2,
                                                                                            len(self.log)))]
        self.position += len(taken)
        return {TP: taken} if taken else {}

    def commit(self, offsets, timeout_ms=None) -> None:
        if self.commit_errors:
            raise self.commit_errors.pop(0)
        self.committed.append(offsets[TP].offset)

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.position = offset

    def close(self, autocommit: bool = True, timeout_ms: int | None = None) -> None:
        pass


class Unit:
    def __init__(self) -> None:
        self.applied: list[str] = []

    def handles(self, short_type: str) -> bool:
        return True

    def apply(self, events: list[CloudEvent]) -> list:
        self.applied.extend(event.id for event in events)
        return []

    def forget(self) -> None:
        pass


class NoDeadLetters:
    def send_records(self, records) -> None:
        raise AssertionError("nothing here is a poison record")


def _record(offset: int, value: bytes) -> ConsumerRecord:
    return ConsumerRecord(TP.topic, TP.partition, -1, offset, 0, 0, b"k", value, [], None, 1, len(value), 0)


def _events(count: int) -> list[CloudEvent]:
    return [new_event("shipper.key_issued", "shp_1", {"shipper_id": "shp_1", "shipper_name": "Acme",
                                                      "key_id": uuid.uuid4().hex, "key_hash": "c" * 64},
                      source="/parcelbridge/test") for _ in range(count)]


def _runner(consumer: FakeConsumer, unit: Unit, ready: WorkerReadiness) -> BatchRunner:
    return BatchRunner(consumer, NoDeadLetters(), unit, "test", backoff=Backoff(first=0, cap=0),
                       stop=threading.Event(), ready=ready)


def test_a_batch_whose_commit_times_out_is_delivered_again_and_never_committed_past():
    events = _events(4)
    consumer, unit, ready = FakeConsumer([encode(e) for e in events]), Unit(), WorkerReadiness()
    consumer.commit_errors = [KafkaTimeoutError("coordinator gone")]
    runner = _runner(consumer, unit, ready)

    assert runner.poll_once() == 0  # applied, not committed: rewound
    waiting = ready.report()
    while runner.poll_once():
        pass

    assert waiting[0] is False and "kafka" in waiting[1]["waiting_for"]
    assert consumer.committed == [2, 4]
    assert unit.applied == [e.id for e in [events[0], events[1], *events]]
    assert ready.report()[0]


def test_a_commit_refused_after_a_rebalance_rewinds_the_batch_too():
    events = _events(2)
    consumer, unit = FakeConsumer([encode(e) for e in events]), Unit()
    consumer.commit_errors = [CommitFailedError("rebalanced")]
    runner = _runner(consumer, unit, WorkerReadiness())

    runner.poll_once()
    runner.poll_once()

    assert consumer.committed == [2]
    assert unit.applied == [e.id for e in events * 2]


class LostCoordinator:
    def coordinator_unknown(self) -> bool:
        return True


def test_a_consumer_is_not_ready_before_its_first_poll_nor_while_its_group_coordinator_is_unreachable():
    consumer, ready = FakeConsumer([]), WorkerReadiness()
    runner = _runner(consumer, Unit(), ready)
    before = ready.report()[0]

    runner.poll_once()
    joined = ready.report()[0]
    consumer._coordinator = LostCoordinator()
    runner.poll_once()

    assert (before, joined) == (False, True)
    assert "no group coordinator reachable" in ready.report()[1]["waiting_for"]["kafka"]


class PublishFails(Unit):
    """A unit whose outbox publish fails `times` times with `error` before it succeeds."""

    def __init__(self, error: Exception, times: int) -> None:
        super().__init__()
        self.error, self.times = error, times

    def apply(self, events: list[CloudEvent]) -> list:
        if self.times:
            self.times -= 1
            raise self.error
        return super().apply(events)


def test_a_publish_that_fails_on_the_broker_twice_ends_the_run_uncommitted_for_fresh_clients():
    events = _events(2)
    consumer = FakeConsumer([encode(e) for e in events])
    unit = PublishFails(TransientError("broker did not acknowledge in time"), times=5)
    unit.error.__cause__ = KafkaTimeoutError("Timeout waiting for future")
    runner = _runner(consumer, unit, WorkerReadiness())

    with pytest.raises(TransientError):
        runner.poll_once()

    assert unit.times == 3  # tried twice, then handed to the outer loop instead of retrying on the same producer
    assert consumer.committed == [] and unit.applied == []


def test_a_store_failure_is_still_retried_in_place():
    events = _events(2)
    consumer = FakeConsumer([encode(e) for e in events])
    unit = PublishFails(AutoReconnect("store gone"), times=3)
    runner = _runner(consumer, unit, WorkerReadiness())

    assert runner.poll_once() == 2
    assert consumer.committed == [2] and unit.applied == [e.id for e in events]
