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

from shared.numbers import iso7064_mod37_36, luhn_check_digit, ups_check_digit

NumberKind = Literal["shipment_id", "sf_waybill", "ups_tracking_number"]

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


_CHECKS = {
    "shipment_id": lambda v: iso7064_mod37_36(v[:-1]) == v[-1],
    "sf_waybill": lambda v: luhn_check_digit(v[2:-1]) == v[-1],
    "ups_tracking_number": lambda v: ups_check_digit(v[2:-1]) == v[-1],
}
