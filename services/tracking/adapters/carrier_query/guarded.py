"""One carrier's HTTP calls behind a token bucket, retries with backoff, and a circuit breaker.

Every request the reconciliation poller makes to a carrier goes through `GuardedClient.send`: it waits for a
token (the carrier's published rate), asks the breaker, and lets tenacity repeat what `retry_policy` calls
transient, waiting the carrier's `Retry-After` when it sends one. Only a call that still failed after its
retries counts against the breaker; a 4xx answer is the carrier working as designed and is handed back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NoReturn

import requests
from tenacity import RetryCallState, Retrying

from services.tracking.domain.breaker import STATE_VALUES, Breaker
from services.tracking.domain.retry_policy import RetryPolicy, retry_after_seconds, retryable
from services.tracking.metrics import RECON_BREAKER_STATE, RECON_REQUESTS, RECON_RETRIES
from shared.ratelimit import TokenBuckets

log = logging.getLogger(__name__)
TIMEOUT = (3.05, 20.0)  # connect, read: a carrier slower than this is treated as down for this attempt


class CarrierUnavailable(Exception):
    """The carrier could not be asked: unreachable, failing after retries, or its breaker is open."""


class CircuitOpen(CarrierUnavailable):
    """The breaker is open: no call was made."""


class GuardedClient:
    def __init__(self, carrier: str, session: requests.Session, limiter: TokenBuckets, breaker: Breaker,
                 policy: RetryPolicy, *, timeout: tuple[float, float] = TIMEOUT,
                 is_transient: Callable[[requests.Response], bool] = lambda _r: False,
                 sleep: Callable[[float], None] = time.sleep, monotonic: Callable[[], float] = time.monotonic):
        self.carrier, self.session, self.limiter, self.breaker = carrier, session, limiter, breaker
        self.policy, self.timeout, self.is_transient = policy, timeout, is_transient
        self.sleep, self.monotonic = sleep, monotonic
        self._report()  # the gauge shows every polled carrier from the start, not from its first call

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """The carrier's answer (2xx, or a 4xx it meant); raises CarrierUnavailable otherwise."""
        if not self.breaker.allow(self.monotonic()):
            self._report()
            wait = self.breaker.retry_in(self.monotonic())
            raise CircuitOpen(f"{self.carrier}: circuit open, next try in {wait:.0f} s")
        retrying = Retrying(stop=self._stop, wait=self._wait, retry=self._again, sleep=self.sleep,
                            before_sleep=self._count_retry, retry_error_callback=_last_outcome)
        try:
            response = retrying(self._attempt, method, url, **kwargs)
        except requests.RequestException as exc:
            self._failed(f"{type(exc).__name__}: {exc}"[:300])
        if self._transient(response):
            self._failed(f"HTTP {response.status_code} after {self.policy.attempts} attempt(s)")
        self.breaker.succeeded()
        self._report()
        return response

    def _attempt(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        while (wait := self.limiter.wait(self.carrier)) > 0:
            self.sleep(wait)
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException:
            RECON_REQUESTS.labels(self.carrier, "unreached").inc()
            raise
        RECON_REQUESTS.labels(self.carrier, str(response.status_code)).inc()
        return response

    def _transient(self, response: requests.Response) -> bool:
        return retryable(response.status_code) or self.is_transient(response)

    def _again(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        return outcome is not None and (outcome.failed or self._transient(outcome.result()))

    def _retry_after(self, state: RetryCallState) -> float | None:
        outcome = state.outcome
        if outcome is None or outcome.failed:
            return None
        return retry_after_seconds(outcome.result().headers.get("Retry-After"), datetime.now(UTC))

    def _stop(self, state: RetryCallState) -> bool:
        return self.policy.gives_up(state.attempt_number, self._retry_after(state))

    def _wait(self, state: RetryCallState) -> float:
        return self.policy.delay(state.attempt_number, self._retry_after(state))

    def _count_retry(self, state: RetryCallState) -> None:
        RECON_RETRIES.labels(self.carrier).inc()
        log.info("carrier call retried", extra={"carrier": self.carrier, "attempt": state.attempt_number,
                                                "wait_s": round(state.upcoming_sleep, 2)})

    def _failed(self, why: str) -> NoReturn:
        self.breaker.failed(self.monotonic())
        self._report()
        log.warning("carrier call failed", extra={"carrier": self.carrier, "why": why,
                                                  "breaker": self.breaker.state(self.monotonic())})
        raise CarrierUnavailable(f"{self.carrier}: {why}")

    def _report(self) -> None:
        RECON_BREAKER_STATE.labels(self.carrier).set(STATE_VALUES[self.breaker.state(self.monotonic())])


def _last_outcome(state: RetryCallState) -> requests.Response:
    """Out of attempts: the last answer (judged by the caller), or the last attempt's exception raised again."""
    assert state.outcome is not None
    return state.outcome.result()
