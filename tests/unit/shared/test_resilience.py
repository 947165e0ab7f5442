"""A worker waits out broker and store outages, reports not-ready meanwhile, and ends only on a stop or a bug."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from kafka.errors import CommitFailedError, KafkaConnectionError, KafkaTimeoutError, UnknownMemberIdError
from pymongo.errors import AutoReconnect, ExecutionTimeout, NetworkTimeout, ServerSelectionTimeoutError

from shared.backoff import Backoff
from shared.errors import ConcurrencyConflict, TransientError
from shared.failures import dependency_of, is_transient, outage_of
from shared.liveness import WorkerReadiness
from shared.resilience import RETRIES, Patience, keep_running
from shared.runtime import stop_on_signals

INSTANT = Backoff(first=0.0, cap=0.0)


class Steps:
    """A step that fails with each of `failures` in turn, then returns; sets `stop` once done if asked to."""

    def __init__(self, failures: list[BaseException], stop: threading.Event | None = None) -> None:
        self.failures = list(failures)
        self.calls = 0
        self.stop = stop

    def __call__(self) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        if self.stop is not None:
            self.stop.set()


def _retries(dependency: str) -> float:
    return RETRIES.labels(dependency)._value.get()


def test_a_step_is_tried_again_after_each_broker_or_store_failure_until_it_succeeds():
    stop = threading.Event()
    step = Steps([KafkaTimeoutError("bootstrap"), AutoReconnect("down"), KafkaConnectionError("refused")], stop)
    before = (_retries("kafka"), _retries("store"))

    keep_running(step, stop, "test", Patience(stop, INSTANT, WorkerReadiness()))

    assert step.calls == 4
    assert (_retries("kafka") - before[0], _retries("store") - before[1]) == (2, 1)


def test_a_bug_ends_the_loop_at_once():
    stop = threading.Event()
    step = Steps([KeyError("bug")])

    with pytest.raises(KeyError):
        keep_running(step, stop, "test", Patience(stop, INSTANT, WorkerReadiness()))
    assert step.calls == 1


def test_a_stop_request_during_the_backoff_ends_the_wait_at_once():
    stop = threading.Event()
    step = Steps([ServerSelectionTimeoutError("no server")] * 3)
    threading.Timer(0.1, stop.set).start()

    keep_running(step, stop, "test", Patience(stop, Backoff(first=30, cap=30), WorkerReadiness()))

    assert step.calls == 1


def test_a_waiting_worker_is_not_ready_with_the_reason_and_ready_again_after_a_success():
    stop, ready = threading.Event(), WorkerReadiness()
    patience = Patience(stop, INSTANT, ready)

    patience.failed(NetworkTimeout("timed out"), "outbox pass")
    waiting = ready.report()
    patience.recovered()

    assert waiting == (False, {"ready": False, "waiting_for": {"store": "outbox pass: NetworkTimeout: timed out"}})
    assert ready.report()[0] and patience.attempt == 0


def test_the_backoff_grows_to_its_cap_and_its_jitter_only_shortens_it():
    backoff = Backoff(first=1, factor=2, cap=8, jitter=0.5)

    assert [backoff.delay(n, draw=lambda: 0.0) for n in range(1, 6)] == [1, 2, 4, 8, 8]
    assert backoff.delay(10, draw=lambda: 1.0) == 4


@pytest.mark.parametrize("error", [
    KafkaConnectionError(), CommitFailedError("rebalanced"), UnknownMemberIdError(), ExecutionTimeout("slow"),
])
def test_group_and_store_timeouts_are_transient(error):
    assert is_transient(error)


def test_a_failure_names_its_dependency_through_its_cause():
    try:
        try:
            raise KafkaTimeoutError("no ack")
        except KafkaTimeoutError as exc:
            raise TransientError("broker did not acknowledge") from exc
    except TransientError as wrapped:
        assert (dependency_of(wrapped), outage_of(wrapped)) == ("kafka", "kafka")
    assert outage_of(AutoReconnect("down")) == "store"
    assert outage_of(ConcurrencyConflict("another writer")) is None
    assert outage_of(KeyError("bug")) is None


def test_a_stop_that_hangs_past_its_grace_ends_the_process_anyway():
    exits: list[int] = []
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        stop = stop_on_signals(grace=0.05, exit_now=exits.append)
        signal.raise_signal(signal.SIGTERM)
        assert stop.is_set()
        deadline = time.monotonic() + 5
        while not exits and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
    assert exits == [0]
