"""The three numbers a customer may type, recognised by their shape and check character.

The schemes are the published contract in shared/numbers.py (shipping issues the numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.numbers import NumberKind, check_matches, shape_of

VALID_FORMS = (
    "a ParcelBridge number: PB + 13 letters and digits (e.g. PBGWYSWAHCD9N97); "
    "an SF Express waybill: SF + 13 digits (e.g. SF1234567890128); "
    "or a UPS number: 1Z + 16 letters and digits (e.g. 1ZCIETST0111111114)"
)
_SEPARATORS = re.compile(r"[\s\-]")


class MalformedNumber(ValueError):
    """Not one of the three kinds, or its check character does not match."""


@dataclass(frozen=True)
class TrackingNumber:
    value: str
    kind: NumberKind


def recognise(raw: str) -> TrackingNumber:
    """The number, normalised (upper case, no spaces or hyphens), and its kind; raises MalformedNumber."""
    value = _SEPARATORS.sub("", raw).upper()
    kind = shape_of(value)
    if kind is None:
        raise MalformedNumber(f"not a tracking number; expected {VALID_FORMS}")
    if not check_matches(kind, value):
        raise MalformedNumber(f"{value} has a check character that does not match; expected {VALID_FORMS}")
    return TrackingNumber(value, kind)

