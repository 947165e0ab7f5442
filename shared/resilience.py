"""Waiting out a broker or store outage: a transient failure never ends a worker process.

A worker's step that fails for a transient reason (see shared.failures) is tried again after a capped,
jittered backoff, for as long as it takes — at start-up too. Meanwhile the worker reports not-ready with the
reason and counts its retries by dependency. Only a stop request (SIGTERM, Ctrl-C) or a real bug ends it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from prometheus_client import Counter

from shared.backoff import WORKER_BACKOFF, Backoff
from shared.failures import dependency_of, is_transient
from shared.kafka.producer import EventProducer
from shared.liveness import WorkerReadiness, readiness

log = logging.getLogger(__name__)

RETRIES = Counter("parcelbridge_worker_retries_total",
                  "Steps a worker tried again after a transient failure, by the dependency that failed.",
                  ["dependency"])
# A step that ran this long before failing had recovered: the next outage starts its backoff afresh.
FRESH_AFTER_S = 60.0
# kafka-python's producer can stay stuck after a broker restart: every publish of a batch timed out for minutes
# with the broker back (a restarted broker's "not leader" answers retried with stale metadata). A worker whose
# publishes failed this many times in a row ends the run, and the outer loop (keep_running) starts it again
# on a fresh consumer and producer.
FRESH_CLIENTS_AFTER = 2


@dataclass
class Patience:
    """Waits before each new try of a failed step, reports what it waits for, and counts the retries."""

    stop: threading.Event
    backoff: Backoff = WORKER_BACKOFF
    ready: WorkerReadiness = field(default_factory=lambda: readiness)
    on_wait: Callable[[], None] | None = None  # the heartbeat: a worker waiting on purpose is not stalled
    attempt: int = 0

    def failed(self, exc: BaseException, step: str) -> bool:
        """Report `exc` and wait before the next try; False when a stop was asked for (do not try again)."""
        self.attempt += 1
        dependency = dependency_of(exc)
        RETRIES.labels(dependency).inc()
        self.ready.waiting_for(dependency, f"{step}: {type(exc).__name__}: {str(exc)[:200]}")
        delay = self.backoff.delay(self.attempt)
        log.warning("transient failure; trying again", extra={
            "step": step, "dependency": dependency, "attempt": self.attempt, "delay_s": round(delay, 2),
            "error": repr(exc)[:500]})
        if self.on_wait is not None:
            self.on_wait()
        return not self.stop.wait(delay)

    def recovered(self) -> None:
        """The step succeeded: ready again, and the next failure starts from the first delay."""
        if self.attempt:
            self.attempt = 0
            self.ready.recovered()


def keep_running(work: Callable[[], None], stop: threading.Event, step: str, patience: Patience | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
    """Run `work` (which returns once `stop` is set) again after every transient failure; a bug propagates."""
    patience = patience or Patience(stop)
    while not stop.is_set():
        began = clock()
        try:
            work()
            return
        except Exception as exc:  # classified: transient ones are waited out, anything else is a bug
            if not is_transient(exc):
                raise
            if clock() - began > FRESH_AFTER_S:
                patience.attempt = 0
            if not patience.failed(exc, step):
                return


@contextmanager
def closed_on_failure(producer: EventProducer) -> Iterator[EventProducer]:
    """Close `producer` if the block raises: a worker start that fails and is tried again leaves no client open."""
    try:
        yield producer
    except BaseException:
        producer.close()
        raise
