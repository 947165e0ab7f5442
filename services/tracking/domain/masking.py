"""What the public tracking page may show of a recipient: initials and city, never name, phone or street."""

from __future__ import annotations

from shared.privacy import initials

__all__ = ["city", "initials"]


def city(value: str | None) -> str | None:
    """The city as given, trimmed; None when absent."""
    cleaned = (value or "").strip()
    return cleaned[:80] or None
