"""The clock of every orders process, orders and webhooks alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, to the millisecond: what MongoDB keeps, so a stored time equals the one we computed."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
