"""Check-character algorithms of the three parcel numbers: shipping issues them, tracking recognises them."""

from __future__ import annotations

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
