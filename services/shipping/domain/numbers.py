"""Shipment ids, SF waybills and UPS 1Z numbers, each with its check character.

Schemes (the tracking service recognises a number by its shape alone):

- Shipment id, the joint-venture tracking number: ``PB`` + 12 Crockford base32 characters (60 bits;
  Crockford drops I, L, O, U so a number read aloud or off a label is not misread) + 1 check character computed
  with ISO 7064 MOD 37,36 over the 14 preceding characters (it catches every single-character error and
  nearly every adjacent transposition). 15 characters, e.g. ``PBGWYSWAHCD9N97``. A booking takes its 60 bits
  from a hash of the order id (`shipment_id_for_order`): as random as the order id (100 random bits, or a
  hash of the shipper's idempotency key), and the same however often the order is delivered, so the
  consumer knows which document a placed or cancelled order names before reading anything.
- SF waybill: ``SF`` + 12 random digits + 1 Luhn check digit. SF's own check scheme is not public; in
  production the 12 digits come from the range SF allocates to the joint venture.
- UPS: ``1Z`` + 6-character shipper account + 2-digit service indicator + 7-digit package reference + UPS's
  published check digit (letters count as (ord(c) - 63) mod 10, odd positions once, even positions twice,
  check = (10 - sum mod 10) mod 10). The 7-digit reference is random, not sequential, so collisions are
  possible: the store's unique indexes detect them and the booking is renumbered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from services.shipping.domain.model import Numbers
from shared.events.schemas.vocabulary import ServiceLevel
from shared.numbers import (
    CROCKFORD_BASE32,
    SHIPMENT_BODY_LENGTH,
    SHIPMENT_PREFIX,
    iso7064_mod37_36,
    luhn_check_digit,
    ups_check_digit,
)

RandBelow = Callable[[int], int]


# The joint venture's UPS shipper account (the 6 characters after 1Z).
JV_UPS_ACCOUNT = "PB8J24"
# UPS service indicators inside a 1Z number for the domestic last mile after US import.
UPS_SERVICE_CODES: dict[str, str] = {"standard": "03", "express": "02"}  # Ground, 2nd Day Air


def new_shipment_id(randbelow: RandBelow) -> str:
    """A fresh joint-venture tracking number: PB + 60 random bits in base32 + check character."""
    return _shipment_id(randbelow(len(CROCKFORD_BASE32) ** SHIPMENT_BODY_LENGTH))


def shipment_id_for_order(order_id: str) -> str:
    """The shipment id of an order's booking: 60 bits of a SHA-256 of the order id, + check character."""
    digest = hashlib.sha256(f"parcelbridge shipment\n{order_id}".encode()).digest()
    return _shipment_id(int.from_bytes(digest[:8], "big") >> 4)


def _shipment_id(value: int) -> str:
    body = "".join(
        CROCKFORD_BASE32[(value >> (5 * i)) & 31] for i in reversed(range(SHIPMENT_BODY_LENGTH))
    )
    core = SHIPMENT_PREFIX + body
    return core + iso7064_mod37_36(core)


def new_sf_waybill(randbelow: RandBelow) -> str:
    """SF + 12 random digits + their Luhn digit."""
    digits = f"{randbelow(10**12):012d}"
    return "SF" + digits + luhn_check_digit(digits)


def new_ups_number(randbelow: RandBelow, service_level: ServiceLevel, account: str = JV_UPS_ACCOUNT) -> str:
    """1Z + account + service indicator + random 7-digit package reference + check digit."""
    body = account + UPS_SERVICE_CODES[service_level] + f"{randbelow(10**7):07d}"
    return "1Z" + body + ups_check_digit(body)


def new_numbers(randbelow: RandBelow, service_level: ServiceLevel) -> Numbers:
    """A fresh set of the three numbers for one booking."""
    return Numbers(
        shipment_id=new_shipment_id(randbelow),
        sf_waybill=new_sf_waybill(randbelow),
        ups_tracking_number=new_ups_number(randbelow, service_level),
    )


def numbers_for_order(order_id: str, randbelow: RandBelow, service_level: ServiceLevel) -> Numbers:
    """The order's own shipment id, with carrier numbers drawn afresh (drawn again if one is taken)."""
    return Numbers(
        shipment_id=shipment_id_for_order(order_id),
        sf_waybill=new_sf_waybill(randbelow),
        ups_tracking_number=new_ups_number(randbelow, service_level),
    )
