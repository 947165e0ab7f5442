"""The supervisor's rules: when a process is started again, when it is given up, and how status reads."""

from __future__ import annotations

import pytest

from ops.supervision.plan import ProcessSpec, merge
from ops.supervision.policy import RestartPolicy, delay, gives_up, load_policy
from ops.supervision.state import (
    BACKOFF,
    GAVE_UP,
    ChildState,
    dumps,
    exit_text,
    loads,
    status_cells,
    uptime_text,
)
from shared.errors import ConfigError

RULES = RestartPolicy(max_failures=5, window_s=60.0, first_delay_s=0.5, max_delay_s=10.0)


def test_the_delay_doubles_with_each_failure_within_the_window():
    exits = [100.0, 101.0, 102.0, 103.0]

    assert [delay(RULES, exits[:n], 104.0) for n in range(1, 5)] == [0.5, 1.0, 2.0, 4.0]


def test_the_delay_is_capped():
    rules = RestartPolicy(max_failures=100, first_delay_s=1.0, max_delay_s=10.0)

    assert delay(rules, [float(n) for n in range(20)], 20.0) == 10.0


def test_a_process_that_ran_longer_than_the_window_restarts_after_the_first_delay():
    assert delay(RULES, [0.0, 1.0, 2.0, 3.0, 200.0], 200.0) == 0.5


def test_the_nth_quick_failure_gives_the_process_up():
    exits = [10.0, 11.0, 12.0, 13.0]

    assert not gives_up(RULES, exits, 14.0)
    assert gives_up(RULES, [*exits, 14.0], 14.0)


def test_failures_spread_wider_than_the_window_never_give_up():
    exits = [0.0, 30.0, 61.0, 92.0, 123.0]

    assert not gives_up(RULES, exits, 123.0)


def test_the_policy_is_read_from_the_environment():
    rules = load_policy({"SUPERVISOR_MAX_FAILURES": "3", "SUPERVISOR_FAILURE_WINDOW_SECONDS": "20",
                         "SUPERVISOR_STOP_GRACE_SECONDS": "4"})

    assert (rules.max_failures, rules.window_s, rules.stop_grace_s) == (3, 20.0, 4.0)


def test_a_bad_policy_names_every_bad_variable():
    with pytest.raises(ConfigError, match=r"SUPERVISOR_MAX_FAILURES.*SUPERVISOR_STOP_GRACE_SECONDS"):
        load_policy({"SUPERVISOR_MAX_FAILURES": "0", "SUPERVISOR_STOP_GRACE_SECONDS": "never"})


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (45.9, "45s"), (187, "3m07s"), (7500, "2h05m"), (273_600, "3d04h"), (-3, "0s"),
])
def test_uptime_reads_short(seconds: float, text: str):
    assert uptime_text(seconds) == text


def test_a_restarted_process_shows_its_restarts_and_the_uptime_of_its_current_start():
    child = ChildState("tracking-api").started(10, at=1000.0, restart=False)
    child = child.exited("signal 9", BACKOFF).started(11, at=1100.0, restart=True)

    assert status_cells(child, now=1130.0) == ("running", "1", "30s")


def test_a_given_up_process_shows_why_and_no_uptime():
    child = ChildState("shipping-relay").started(10, at=1000.0, restart=False).exited("exit code 1", GAVE_UP)

    assert status_cells(child, now=1130.0) == ("gave-up (exit code 1)", "0", "-")


def test_a_process_the_supervisor_never_saw_says_so():
    assert status_cells(None, now=0.0) == ("not supervised", "-", "-")


def test_exit_text_names_the_signal_or_the_code():
    assert (exit_text(-9), exit_text(1)) == ("signal 9", "exit code 1")


def test_the_state_file_round_trips():
    children = {"a": ChildState("a").started(5, at=1.0, restart=True)}

    assert loads(dumps(children, supervisor_pid=4, now=2.0)) == children


def _spec(name: str, tier: int = 0) -> ProcessSpec:
    return ProcessSpec(name, ("true",), f"{name}.log", f"{name}.pid", "/", tier)


def test_a_second_up_adds_new_processes_and_keeps_the_first_spec_of_known_ones():
    merged = merge([_spec("a"), _spec("b")], [_spec("b", tier=2), _spec("c")])

    assert [(spec.name, spec.tier) for spec in merged] == [("a", 0), ("b", 0), ("c", 0)]
