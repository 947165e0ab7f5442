"""Reducing personal data before it leaves the service that owns it."""

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
