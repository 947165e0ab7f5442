"""When a carrier call is worth repeating, and how long to wait first (pure; tenacity runs the loop).

Repeated: a connection error or timeout, 429, 5xx, and SF's gateway `A1005` (rate limited). Not repeated: any
other 4xx (our request or credentials are wrong; asking again changes nothing). A `Retry-After` from the carrier
wins over our backoff, within `cap`: a carrier that asks for longer than that is treated as down for this call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # in all, the first call included
    base: float = 0.5  # seconds before the second attempt, doubled each time
    cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, jitter: float | None = None) -> float:
        """Seconds to wait after failed attempt `attempt` (1-based): the carrier's Retry-After, else a doubling
        backoff with half of it random, so pollers that failed together do not come back together."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return ceiling / 2 * (1 + (random.random() if jitter is None else jitter))

    def gives_up(self, attempt: int, retry_after: float | None) -> bool:
        return attempt >= self.attempts or (retry_after is not None and retry_after > self.cap)


def retryable(status: int | None) -> bool:
    """None is a connection error or timeout: the carrier was not reached."""
    return status is None or status in RETRY_STATUSES


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """RFC 9110 Retry-After: delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds()) if when.tzinfo else None
