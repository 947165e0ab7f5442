"""What each simulated carrier knows of its parcels: every event once its time has come, pushed or not.

The runner writes each parcel's planned events here when it starts playing it; the query API reads what is
known by now. A carrier knows an event whether its push went through, failed or was withheld — that is what
makes its query API the ground truth a reconciliation poller can recover lost pushes from.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

Item = tuple[datetime, dict[str, Any]]  # (carrier time, the event in the carrier's format)


class CarrierBook:
    """Thread-safe: the runner writes from its loop, the query API reads from its server's threads."""

    def __init__(self) -> None:
        self._items: dict[str, list[Item]] = {}
        self._lock = threading.Lock()

    def add(self, number: str, items: Iterable[Item]) -> None:
        with self._lock:
            self._items.setdefault(number, []).extend(items)

    def known(self, number: str, now: datetime) -> list[Item]:
        """The number's events that happened by `now`, oldest first (empty for a number never seen)."""
        with self._lock:
            items = list(self._items.get(number, ()))
        return sorted((item for item in items if item[0] <= now), key=lambda item: item[0])

    def cut(self, number: str, after: datetime) -> None:
        """Forget the events planned after `after` (the parcel was cancelled: they never happen)."""
        with self._lock:
            self._items[number] = [item for item in self._items.get(number, ()) if item[0] <= after]
