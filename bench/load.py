"""A small open-loop, fixed-rate load generator on threads, for order intake's `POST /v1/orders`.

(The GET steps use vegeta; orders stay here because each answer's order id must be followed to its booking.)

Request i is *scheduled* at start + i / rate whatever happened to the requests before it, and its latency is
measured from that scheduled time, not from when a thread got round to sending it. A slow answer therefore
shows up in the latency of every request queued behind it (no coordinated omission), as with vegeta or wrk2.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

# One request: given a session and the request's index, send it and return the HTTP status.
Send = Callable[[requests.Session, int], int]


@dataclass(frozen=True)
class Outcome:
    index: int
    scheduled: float  # time.perf_counter() at which it was due
    latency_ms: float  # from `scheduled` to the answer
    status: int  # 0 when no answer came (connection error, timeout)
    error: str = ""


@dataclass
class Run:
    rate: float
    duration_s: float
    outcomes: list[Outcome] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def achieved_rate(self) -> float:
        return len(self.outcomes) / self.elapsed_s if self.elapsed_s else 0.0

    def latencies(self, *statuses: int) -> list[float]:
        return [o.latency_ms for o in self.outcomes if not statuses or o.status in statuses]

    def errors(self, ok: tuple[int, ...]) -> int:
        return sum(1 for o in self.outcomes if o.status not in ok)


def workers_for(rate: float, expected_latency_s: float = 0.1) -> int:
    """Enough threads that the generator itself is not what queues requests (Little's law, doubled)."""
    return max(4, min(64, math.ceil(rate * expected_latency_s * 2)))


def run_fixed_rate(send: Send, rate: float, duration_s: float, workers: int | None = None,
                   on_done: Callable[[Outcome], None] | None = None) -> Run:
    """Send rate x duration requests at fixed times from `workers` threads; every outcome is kept."""
    total = max(1, round(rate * duration_s))
    run = Run(rate, duration_s)
    counter, lock = itertools.count(), threading.Lock()
    start = time.perf_counter() + 0.05

    def work() -> None:
        session = requests.Session()
        while (index := next(counter)) < total:
            outcome = _one(send, session, index, start + index / rate)
            with lock:
                run.outcomes.append(outcome)
            if on_done:
                on_done(outcome)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers or workers_for(rate))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed_s = time.perf_counter() - start
    run.outcomes.sort(key=lambda o: o.index)
    return run


def _one(send: Send, session: requests.Session, index: int, scheduled: float) -> Outcome:
    time.sleep(max(0.0, scheduled - time.perf_counter()))
    try:
        status, error = send(session, index), ""
    except requests.RequestException as exc:  # counted as an error, never retried: the schedule moves on
        status, error = 0, type(exc).__name__
    return Outcome(index, scheduled, (time.perf_counter() - scheduled) * 1000, status, error)
