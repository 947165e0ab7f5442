"""The three parcel numbers as a published contract: shipping issues them, tracking recognises them.

- Shipment id, the joint-venture number: ``PB`` + 12 Crockford base32 characters (Crockford drops I, L, O, U,
  so a number read aloud or off a label is not misread) + an ISO 7064 MOD 37,36 check character.
- SF waybill: ``SF`` + 12 digits + a Luhn check digit.
- UPS: ``1Z`` + 15 characters (account, service indicator, package reference) + UPS's published check digit.

Each number is known by its shape alone, so any service can tell which kind a customer typed.
"""

from __future__ import annotations

import re
from typing import Literal

NumberKind = Literal["shipment_id", "sf_waybill", "ups_tracking_number"]

CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHIPMENT_PREFIX = "PB"
SHIPMENT_BODY_LENGTH = 12  # 12 x 5 bits = 60 bits
SHAPES: dict[NumberKind, re.Pattern[str]] = {
    "shipment_id": re.compile(rf"^{SHIPMENT_PREFIX}[{CROCKFORD_BASE32}]{{{SHIPMENT_BODY_LENGTH}}}[0-9A-Z]$"),
    "sf_waybill": re.compile(r"^SF[0-9]{13}$"),
    "ups_tracking_number": re.compile(r"^1Z[0-9A-Z]{16}$"),
}


def shape_of(value: str) -> NumberKind | None:
    """The kind whose shape `value` has (its check character unchecked), or None."""
    return next((kind for kind, shape in SHAPES.items() if shape.match(value)), None)


def check_matches(kind: NumberKind, value: str) -> bool:
    """True when the last character of a number of this shape is its check character."""
    if kind == "shipment_id":
        return iso7064_mod37_36(value[:-1]) == value[-1]
    if kind == "sf_waybill":
        return luhn_check_digit(value[2:-1]) == value[-1]
    return ups_check_digit(value[2:-1]) == value[-1]


def is_valid(kind: NumberKind, value: str) -> bool:
    """A well-formed number of `kind` whose check character matches."""
    return bool(SHAPES[kind].match(value)) and check_matches(kind, value)


def is_shipment_id(value: str) -> bool:
    return is_valid("shipment_id", value)


def is_sf_waybill(value: str) -> bool:
    return is_valid("sf_waybill", value)


def is_ups_number(value: str) -> bool:
    return is_valid("ups_tracking_number", value)


ISO7064_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def iso7064_mod37_36(text: str) -> str:
    """The ISO 7064 MOD 37,36 (hybrid) check character of `text` over 0-9A-Z."""
    modulus = 36
    product = modulus
    for char in text:
        total = (product + ISO7064_ALPHABET.index(char)) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    return ISO7064_ALPHABET[(modulus + 1 - product) % modulus]


def luhn_check_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit to append to `digits`."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def ups_check_digit(body: str) -> str:
    """UPS's check digit for the 15 characters between `1Z` and the check digit.

    Letters count as (ord - 63) mod 10; odd positions once, even positions twice.
    """
    total = sum(_ups_value(c) * (2 if position % 2 else 1) for position, c in enumerate(body))
    return str((10 - total % 10) % 10)


def _ups_value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 63) % 10
