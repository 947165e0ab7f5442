"""The three numbers a customer may type, recognised by their shape and check character.

The schemes are the shipping service's (which issues them; see services/shipping/domain/numbers.py):
- shipment id (the joint-venture number): `PB` + 12 Crockford base32 + ISO 7064 MOD 37,36 check character;
- SF waybill: `SF` + 12 digits + Luhn check digit;
- UPS: `1Z` + 15 characters + UPS's published check digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

NumberKind = Literal["shipment_id", "sf_waybill", "ups_tracking_number"]

_ISO7064 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHAPES: dict[str, re.Pattern[str]] = {
    "shipment_id": re.compile(r"^PB[0-9ABCDEFGHJKMNPQRSTVWXYZ]{12}[0-9A-Z]$"),
    "sf_waybill": re.compile(r"^SF[0-9]{13}$"),
    "ups_tracking_number": re.compile(r"^1Z[0-9A-Z]{16}$"),
}
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
    for kind, shape in _SHAPES.items():
        if shape.match(value):
            if not _CHECKS[kind](value):
                raise MalformedNumber(f"{value} has a check character that does not match; expected {VALID_FORMS}")
            return TrackingNumber(value, kind)
    raise MalformedNumber(f"not a tracking number; expected {VALID_FORMS}")


def iso7064_mod37_36(text: str) -> str:
    product = 36
    for char in text:
        total = (product + _ISO7064.index(char)) % 36 or 36
        product = (total * 2) % 37
    return _ISO7064[(37 - product) % 36]


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def ups_check_digit(body: str) -> str:
    """Letters count as (ord - 63) mod 10; odd positions once, even positions twice."""
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(v * (2 if position % 2 else 1) for position, v in enumerate(values))
    return str((10 - total % 10) % 10)


_CHECKS = {
    "shipment_id": lambda v: iso7064_mod37_36(v[:-1]) == v[-1],
    "sf_waybill": lambda v: luhn_check_digit(v[2:-1]) == v[-1],
    "ups_tracking_number": lambda v: ups_check_digit(v[2:-1]) == v[-1],
}
