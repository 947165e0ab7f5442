"""Identifiers: a type prefix and lower-case base32 (no padding, case-insensitive, safe in URLs and file names).

Each base32 character holds 5 bits, so 20 characters are 100 bits: random ids do not collide in practice, and
derived ids (a hash of what makes a request unique) give a retried request the id of its first try.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable

DEFAULT_LENGTH = 20


def _encode(prefix: str, raw: bytes, length: int) -> str:
    text = base64.b32encode(raw).decode().lower()
    if len(text) < length:
        raise ValueError(f"{len(raw)} bytes give fewer than {length} characters")
    return prefix + text[:length]


def random_id(prefix: str, length: int = DEFAULT_LENGTH,
              token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """`prefix` + `length` random characters."""
    return _encode(prefix, token_bytes(-(-length * 5 // 8)), length)


def derived_id(prefix: str, *parts: str, length: int = DEFAULT_LENGTH) -> str:
    """`prefix` + `length` characters of the SHA-256 of the parts joined by newlines: equal parts, equal id."""
    return _encode(prefix, hashlib.sha256("\n".join(parts).encode()).digest(), length)
