"""The sweep that expires parked scans, run on the outbox relay's passes (no process of its own to supervise)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from services.tracking import handlers
from services.tracking.adapters.repository import ParkingRepository
from shared.clock import Clock, utc_now


class ParkedSweep:
    """Calls `handlers.expire_parked` at most once every `interval` seconds, however often it is called.

    A sweep that fails raises (the relay's worker waits the outage out and starts again) and is due again at
    once: the interval counts from the last sweep that finished.
    """

    def __init__(self, parked: ParkingRepository, ttl: timedelta, interval: float,
                 clock: Clock = utc_now, monotonic: Callable[[], float] = time.monotonic):
        self.parked = parked
        self.ttl = ttl
        self.interval = interval
        self.clock = clock
        self.monotonic = monotonic
        self._due = float("-inf")

    def __call__(self) -> None:
        if self.monotonic() < self._due:
            return
        handlers.expire_parked(self.parked, self.ttl, self.clock)
        self._due = self.monotonic() + self.interval
