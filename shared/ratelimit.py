"""A token bucket per client, for a public API (per address) or an outbound caller (per remote system).

In-process: each gunicorn worker keeps its own buckets, so with N workers a client may get up to N times
the configured rate (requests spread over workers). A limit shared across workers and hosts needs a
shared counter (a gateway, or an `_id`-keyed store document per client and window).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    def __init__(self, rate_per_second: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 100_000):
        self.rate = rate_per_second
        self.burst = burst
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> int | None:
        """None if the client may go on; else the whole seconds to wait (for Retry-After)."""
        wait = self.wait(client)
        return None if wait == 0 else max(1, math.ceil(wait))

    def wait(self, client: str) -> float:
        """0 if a token was taken for the client; else the seconds until one is there (none taken)."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)  # forget the least recently seen client
        return 0.0 if allowed else (1 - tokens) / self.rate
