"""Rendered tracking answers kept in this process for a short time, so a hot number skips the store."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from services.tracking.metrics import READ_CACHE

ViewKey = tuple[str, str]  # (tracking number as recognised, answer language)
MAX_BYTES = 16 * 1_048_576


@dataclass(frozen=True)
class Rendered:
    """One answer exactly as sent; `etag` is the hash of these very bytes."""

    body: bytes
    etag: str
    settled: bool  # delivered or cancelled: clients may cache it longer


class ViewCache:
    """Answers kept `ttl` seconds (0 keeps none), at most `max_bytes` of bodies; thread-safe.

    Every entry lives equally long and a re-put moves to the back, so the front is always the first to
    expire: expired entries, and the oldest when over budget, are dropped from the front on each put.
    """

    def __init__(self, ttl: float, max_bytes: int = MAX_BYTES, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[ViewKey, tuple[float, Rendered]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: ViewKey) -> Rendered | None:
        """The answer if it was put less than `ttl` seconds ago."""
        if self.ttl <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
        fresh = entry is not None and self.clock() < entry[0]
        READ_CACHE.labels("view", "hit" if fresh else "miss").inc()
        return entry[1] if entry is not None and fresh else None

    def put(self, key: ViewKey, rendered: Rendered) -> Rendered:
        """Keep `rendered` for `ttl` seconds and return it."""
        if self.ttl <= 0:
            return rendered
        with self._lock:
            self._drop(key)
            self._entries[key] = (self.clock() + self.ttl, rendered)
            self._bytes += len(rendered.body)
            self._trim()
        return rendered

    @property
    def size(self) -> tuple[int, int]:
        """(entries, body bytes) held now."""
        return len(self._entries), self._bytes

    def _drop(self, key: ViewKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[1].body)

    def _trim(self) -> None:
        now = self.clock()
        while self._entries:
            key, (expires, _rendered) = next(iter(self._entries.items()))
            if expires > now and self._bytes <= self.max_bytes:
                return
            self._drop(key)
