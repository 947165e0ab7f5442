import random
from datetime import UTC, datetime, timedelta

import pytest

from services.simulator.domain.clock import CompressedClock, carrier_times
from services.simulator.domain.dispatch import plan_dispatches

SIM = datetime(2025, 6, 1, 8, tzinfo=UTC)
REAL = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_one_simulated_hour_takes_one_real_second_by_default_speed():
    clock = CompressedClock.hours_per_second(SIM, REAL, 1)
    assert clock.real(SIM + timedelta(hours=36)) == REAL + timedelta(seconds=36)


def test_a_speed_must_be_positive():
    with pytest.raises(ValueError):
        CompressedClock.hours_per_second(SIM, REAL, 0)


def test_carrier_times_are_whole_seconds_rounded_up_and_strictly_increasing():
    clock = CompressedClock.hours_per_second(SIM, REAL, 10)  # 10 simulated hours per real second
    sims = [SIM + timedelta(minutes=m) for m in (0, 5, 10, 61, 3000)]
    seconds = [(stamp - REAL).total_seconds() for stamp in carrier_times(sims, clock)]
    assert seconds == [0, 1, 2, 3, 5]  # close events are pushed a second apart; 3000 min is 5 s


def _stamps(n: int = 8) -> list[datetime]:
    return [REAL + timedelta(seconds=10 * i) for i in range(n)]


def test_at_zero_every_event_is_sent_once_on_time_in_order():
    dispatches = plan_dispatches(_stamps(), 0, 0, random.Random(1))
    assert [(d.index, d.send_at, d.copy, d.late) for d in dispatches] == [
        (i, at, 0, False) for i, at in enumerate(_stamps())]


def test_duplicate_at_one_sends_every_event_twice_the_copy_later():
    dispatches = plan_dispatches(_stamps(), 1, 0, random.Random(1))
    assert len(dispatches) == 16
    for i in range(8):
        first, copy = sorted((d for d in dispatches if d.index == i), key=lambda d: d.copy)
        assert copy.copy == 1 and copy.send_at > first.send_at


def test_out_of_order_at_one_sends_each_event_after_the_next_one():
    dispatches = plan_dispatches(_stamps(), 0, 1, random.Random(1))
    order = [d.index for d in dispatches]
    assert order == list(reversed(range(8)))
    assert all(d.late for d in dispatches if d.index < 7)
