"""The one clock every service reads, so a time computed here equals the time the store gives back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now in UTC, to the millisecond: BSON dates keep milliseconds, so a finer time would not survive a save."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
