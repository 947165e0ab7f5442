"""What the public tracking page may show of a recipient: initials and city, never name, phone or street."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def initials(name: str | None) -> str | None:
    """"Jane Q. Doe" -> "J. Q. D."; a CJK name gives its first character ("王小明" -> "王.")."""
    if not name:
        return None
    words = _WORD.findall(name)
    if not words:
        return None
    return " ".join(f"{word[0].upper()}." for word in words[:3])


def city(value: str | None) -> str | None:
    """The city as given, trimmed; None when absent."""
    cleaned = (value or "").strip()
    return cleaned[:80] or None
