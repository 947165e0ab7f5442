"""Pure checks on untrusted input, run before a body or query value reaches a model or the store.

Each returns what is wrong (or raises `Unacceptable`) and never touches Flask, so unit tests cover them alone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

MAX_NESTING = 12
# Strings are cut out before brackets are counted: a "[" inside a string does not nest anything.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")
# Times a parcel can carry: nothing before the Unix epoch, nothing a pymongo/BSON date or a time-zone shift
# near year 9999 would overflow on.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Unacceptable(ValueError):
    """The raw body cannot be read as JSON we accept; the message says why."""


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw` JSON, counted without parsing it (no recursion)."""
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b'""', raw))
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def utf8_text(raw: bytes) -> str:
    """`raw` decoded as UTF-8 without a byte-order mark; `Unacceptable` for UTF-16, UTF-32 or bad bytes."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise Unacceptable("the body starts with a byte-order mark; send UTF-8 without one")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unacceptable(f"the body is not valid UTF-8 (byte {exc.start})") from exc


def checked_json_text(raw: bytes, max_nesting: int = MAX_NESTING) -> str:
    """The body as text once it is UTF-8 and nests at most `max_nesting` levels; `Unacceptable` otherwise."""
    text = utf8_text(raw)
    if nesting_depth(raw) > max_nesting:
        raise Unacceptable(f"the body nests deeper than {max_nesting} levels")
    return text


def has_control_character(text: str) -> bool:
    """True for NUL and every other C0/C1 control character or DEL; none belongs in a name, address or code."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def control_character_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths (`recipient.name`, `parcels.0.description`) of every key or string holding a control character."""
    found: list[str] = []
    if isinstance(value, str):
        return [path or "(body)"] if has_control_character(value) else []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            found += [here] if has_control_character(str(key)) else control_character_paths(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += control_character_paths(item, f"{path}.{index}" if path else str(index))
    return found


def time_in_range(value: datetime) -> datetime:
    """`value` if it lies from 1970 up to 2100 (an aware time); ValueError naming the range otherwise."""
    if value.tzinfo is None:
        raise ValueError("give a time zone")
    try:
        within = EARLIEST <= value.astimezone(UTC) < LATEST
    except OverflowError:  # year 1 or 9999 shifted past datetime's range by the zone
        within = False
    if not within:
        raise ValueError(f"must lie from {EARLIEST:%Y-%m-%d} up to {LATEST:%Y-%m-%d} (UTC)")
    return value
