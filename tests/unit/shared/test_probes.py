"""Readiness answers within its bound, whatever its checks do, and a flood of probes runs one round."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from shared.probes import BoundedReadiness


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountingCheck:
    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.answer


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of each test, so a check left blocking never outlives it."""
    event = threading.Event()
    yield event
    event.set()


class BlockingCheck(CountingCheck):
    """Stuck until released, like a store whose writes hang."""

    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release

    def __call__(self) -> bool:
        self.calls += 1
        self.release.wait(10)
        return self.answer


def test_passing_checks_are_ready():
    assert BoundedReadiness({"kafka": lambda: True, "store": lambda: True})() == {"kafka": True, "store": True}


def test_a_failing_or_raising_check_is_not_ready_and_nothing_raises():
    def broken() -> bool:
        raise RuntimeError("store client exploded")

    assert BoundedReadiness({"kafka": lambda: False, "store": broken})() == {"kafka": False, "store": False}


def test_a_check_slower_than_the_bound_is_not_ready_and_the_answer_comes_within_the_bound(release):
    readiness = BoundedReadiness({"kafka": lambda: True, "store": BlockingCheck(release)}, timeout=0.2)

    began = time.monotonic()
    verdicts = readiness()

    assert verdicts == {"kafka": True, "store": False}
    assert time.monotonic() - began < 1.0


def test_checks_run_at_once_so_two_slow_ones_cost_one_bound():
    def slow() -> bool:
        time.sleep(0.3)
        return True

    began = time.monotonic()
    verdicts = BoundedReadiness({"kafka": slow, "store": slow}, timeout=2.0)()

    assert verdicts == {"kafka": True, "store": True}
    assert time.monotonic() - began < 0.55


def test_an_answer_is_reused_until_its_ttl_passes():
    clock, check = FakeClock(), CountingCheck()
    readiness = BoundedReadiness({"store": check}, ttl=1.0, clock=clock)

    readiness(), readiness()
    clock.now += 0.9
    readiness()
    assert check.calls == 1

    clock.now += 0.2
    readiness()
    assert check.calls == 2


def test_a_flood_of_concurrent_probes_runs_one_round():
    check = CountingCheck()
    readiness = BoundedReadiness({"store": check}, ttl=60.0)
    threads = [threading.Thread(target=readiness) for _ in range(20)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert check.calls == 1


def test_a_stuck_check_is_awaited_again_rather_than_started_twice_and_recovers_on_its_own(release):
    stuck = BlockingCheck(release)
    readiness = BoundedReadiness({"store": stuck}, timeout=0.05, ttl=0.0)

    assert readiness() == {"store": False}
    assert readiness() == {"store": False}
    assert stuck.calls == 1

    release.set()
    time.sleep(0.05)
    assert readiness() == {"store": True}
