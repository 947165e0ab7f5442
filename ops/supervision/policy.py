"""When a supervised process that exited is started again, and when the supervisor stops trying (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.config import EnvReader


@dataclass(frozen=True)
class RestartPolicy:
    max_failures: int = 5  # this many unexpected exits within `window_s` and the process is given up
    window_s: float = 60.0
    first_delay_s: float = 0.5  # the wait before the first restart; it doubles with each recent failure
    max_delay_s: float = 10.0
    stop_grace_s: float = 4.0  # SIGTERM, then SIGKILL whatever still runs after this long


def load_policy(environ: Mapping[str, str]) -> RestartPolicy:
    """`SUPERVISOR_*` variables; ConfigError names every bad one."""
    reader = EnvReader(environ)
    policy = RestartPolicy(
        max_failures=reader.integer("SUPERVISOR_MAX_FAILURES", 5, 1, 1000),
        window_s=reader.number("SUPERVISOR_FAILURE_WINDOW_SECONDS", 60.0, 1.0, 86_400.0),
        first_delay_s=reader.number("SUPERVISOR_FIRST_DELAY_SECONDS", 0.5, 0.0, 60.0),
        max_delay_s=reader.number("SUPERVISOR_MAX_DELAY_SECONDS", 10.0, 0.0, 600.0),
        stop_grace_s=reader.number("SUPERVISOR_STOP_GRACE_SECONDS", 4.0, 0.5, 60.0),
    )
    reader.check()
    return policy


def recent(policy: RestartPolicy, exits: Sequence[float], now: float) -> list[float]:
    """The exit times that still count against the process: those within the window."""
    return [moment for moment in exits if now - moment <= policy.window_s]


def gives_up(policy: RestartPolicy, exits: Sequence[float], now: float) -> bool:
    """True once `max_failures` unexpected exits fall within the window: restarting again would only thrash."""
    return len(recent(policy, exits, now)) >= policy.max_failures


def delay(policy: RestartPolicy, exits: Sequence[float], now: float) -> float:
    """Seconds to wait before the next start: doubling with each recent failure, capped.

    A process that ran well for longer than the window starts again after the first delay, as if new.
    """
    failures = max(len(recent(policy, exits, now)), 1)
    return min(policy.first_delay_s * 2 ** (failures - 1), policy.max_delay_s)
