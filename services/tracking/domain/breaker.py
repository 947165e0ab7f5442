"""A circuit breaker per carrier: closed, open after N failed calls in a row, half-open after a cool-down.

Written here rather than taken from pybreaker or circuitbreaker: both read the wall clock themselves and
change state only inside the call they wrap, while the poller must ask "may I call this carrier now?" before
it builds a batch, report the state as a metric, and be tested on a fake clock. The rules are a few lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

State = Literal["closed", "open", "half_open"]
STATE_VALUES: dict[State, int] = {"closed": 0, "half_open": 1, "open": 2}  # the gauge's encoding


@dataclass
class Breaker:
    """Times are seconds on any monotonic clock the caller passes in."""

    failure_threshold: int = 5
    cool_down: float = 60.0
    failures: int = 0
    opened_at: float | None = None
    trial_out: bool = False  # half-open: the one trial call has been let through

    def state(self, now: float) -> State:
        if self.opened_at is None:
            return "closed"
        return "half_open" if now - self.opened_at >= self.cool_down else "open"

    def allow(self, now: float) -> bool:
        """Whether a call may go out now; half-open lets exactly one through until it reports back."""
        state = self.state(now)
        if state == "closed":
            return True
        if state == "open" or self.trial_out:
            return False
        self.trial_out = True
        return True

    def succeeded(self) -> None:
        self.failures, self.opened_at, self.trial_out = 0, None, False

    def failed(self, now: float) -> None:
        """A failed call; the threshold reached, or the half-open trial failed, opens (again) from `now`."""
        self.failures += 1
        if self.opened_at is not None or self.failures >= self.failure_threshold:
            self.opened_at, self.trial_out = now, False

    def retry_in(self, now: float) -> float:
        """Seconds until a call may be tried again (0 when one may go now)."""
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.opened_at + self.cool_down - now)
