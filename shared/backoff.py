"""Capped exponential backoff with jitter: how long a worker waits before it tries a failed step again."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """`first` doubled (by `factor`) each attempt up to `cap`; `jitter` takes up to that share off at random.

    Jitter spreads the retries of many processes that lost the same broker or store at the same moment, so
    they do not all knock at once when it comes back.
    """

    first: float = 0.2
    factor: float = 2.0
    cap: float = 10.0
    jitter: float = 0.0

    def delay(self, attempt: int, draw: Callable[[], float] = random.random) -> float:
        capped = min(self.cap, self.first * self.factor ** max(0, attempt - 1))
        return capped * (1.0 - self.jitter * draw())


# What a worker waits between tries while its broker or store is down: at most 10 s, so it is back within
# seconds of the outage's end, and a quarter of jitter.
WORKER_BACKOFF = Backoff(first=0.5, factor=2.0, cap=10.0, jitter=0.25)
