"""Readiness that answers in bounded time: every check runs at once, a slow one counts as failed.

A check that overruns keeps running in its own daemon thread and is awaited again by the next probe rather
than started twice, so a stuck dependency costs one thread per check, never one per probe.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, wait

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], bool]
Readiness = Callable[[], dict[str, bool]]


class BoundedReadiness:
    """Each check's verdict within `timeout` seconds (False when late or raising), remembered for `ttl`."""

    def __init__(
        self, checks: Mapping[str, ReadinessCheck], timeout: float = 2.0, ttl: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.checks = dict(checks)
        self.timeout = timeout
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._answer: tuple[float, dict[str, bool]] | None = None
        self._running: dict[str, Future[bool]] = {}
        self._pid = os.getpid()

    def __call__(self) -> dict[str, bool]:
        # Probes that arrive while a round runs wait for it (at most `timeout`) and share its answer.
        with self._lock:
            if self._answer is None or self.clock() - self._answer[0] >= self.ttl:
                verdicts = self._round()
                self._answer = (self.clock(), verdicts)
            return dict(self._answer[1])

    def _round(self) -> dict[str, bool]:
        if self._pid != os.getpid():  # a forked child inherits futures whose threads never ran in it
            self._running, self._pid = {}, os.getpid()
        futures = {name: self._future(name, check) for name, check in self.checks.items()}
        wait(futures.values(), timeout=self.timeout)
        return {name: _verdict(name, future) for name, future in futures.items()}

    def _future(self, name: str, check: ReadinessCheck) -> Future[bool]:
        running = self._running.get(name)
        if running is None or running.done():
            running = _start(name, check)
            self._running[name] = running
        return running


def _start(name: str, check: ReadinessCheck) -> Future[bool]:
    future: Future[bool] = Future()

    def _run() -> None:
        try:
            future.set_result(bool(check()))
        except Exception as exc:  # handed to the prober, who logs it and answers "not ready"
            future.set_exception(exc)

    threading.Thread(target=_run, name=f"readiness-{name}", daemon=True).start()
    return future


def _verdict(name: str, future: Future[bool]) -> bool:
    if not future.done():
        log.warning("readiness check did not answer in time", extra={"check": name})
        return False
    if future.exception() is not None:
        log.warning("readiness check failed", extra={"check": name, "error": repr(future.exception())[:300]})
        return False
    return future.result()
