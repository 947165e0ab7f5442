"""The customs side of a booking: value in USD, US entry type, duties estimate and who pays.

Facts (carriers.md §5): the US de minimis ended for China and Hong Kong on 2 May 2025, so every parcel is a
formal (type 01) or informal (type 11) entry with duties. The rates below are an *estimate* for the booking
and the shipper, not a customs ruling; CBP assesses the real amount at entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from services.shipping.domain.model import CustomsDeclaration, Item, Order
from shared.events.schemas.vocabulary import DutyPayer, EntryType, Incoterm

CENT = Decimal("0.01")

# USD per one unit of each accepted currency. A fixed table, reviewed by hand (rates of mid-2025, rounded):
# a booking must not change with the minute's market rate, and an unknown currency is refused, not guessed.
USD_PER_UNIT: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "CNY": Decimal("0.14"),
    "HKD": Decimal("0.128"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "JPY": Decimal("0.0067"),
    "CAD": Decimal("0.73"),
    "AUD": Decimal("0.66"),
    "SGD": Decimal("0.74"),
    "TWD": Decimal("0.031"),
}

# 19 U.S.C. 1321 / 19 CFR 143.21: informal entry below USD 2,500, formal entry from it.
FORMAL_ENTRY_THRESHOLD_USD = Decimal("2500")

# Indicative MFN duty rates by HS chapter (averages of the US tariff schedule for typical e-commerce goods).
MFN_RATE_BY_CHAPTER: dict[str, Decimal] = {
    "42": Decimal("0.08"),  # leather goods, handbags
    "61": Decimal("0.16"),  # knitted apparel
    "62": Decimal("0.14"),  # woven apparel
    "64": Decimal("0.12"),  # footwear
    "71": Decimal("0.05"),  # jewellery
    "84": Decimal("0.01"),  # machines, computers
    "85": Decimal("0.02"),  # electrical and electronic goods
    "94": Decimal("0.03"),  # furniture, lamps
    "95": Decimal("0"),  # toys, games
}
DEFAULT_MFN_RATE = Decimal("0.04")
# Additional ad valorem tariff on goods originating in China or Hong Kong (2025 executive orders); the
# level has moved several times, so it is one named constant to update.
CHINA_ORIGIN_ADDITIONAL_RATE = Decimal("0.20")
CHINA_ORIGINS = frozenset({"CN", "HK"})
# Merchandise Processing Fee on formal entries, FY2025 (19 CFR 24.23): 0.3464 %, clamped.
MPF_RATE = Decimal("0.003464")
MPF_MIN_USD = Decimal("33.58")
MPF_MAX_USD = Decimal("651.50")


def is_supported_currency(currency: str) -> bool:
    return currency in USD_PER_UNIT


def item_value_usd(item: Item) -> Decimal:
    """Line value in USD; KeyError for a currency outside the table (refusals check it first)."""
    return item.quantity * item.unit_value * USD_PER_UNIT[item.currency]


def declared_value_usd(items: Iterable[Item]) -> Decimal:
    return _cents(sum((item_value_usd(item) for item in items), Decimal(0)))


def entry_type(value_usd: Decimal) -> EntryType:
    """Type 11 informal under USD 2,500, type 01 formal at or above; no de minimis."""
    return "11" if value_usd < FORMAL_ENTRY_THRESHOLD_USD else "01"


def duty_rate(item: Item) -> Decimal:
    base = MFN_RATE_BY_CHAPTER.get(item.hs_code[:2], DEFAULT_MFN_RATE)
    extra = CHINA_ORIGIN_ADDITIONAL_RATE if item.origin_country in CHINA_ORIGINS else Decimal(0)
    return base + extra


def processing_fee(value_usd: Decimal, entry: EntryType) -> Decimal:
    """The MPF of a formal entry; informal entries' small flat fee is left out of the estimate."""
    if entry == "11":
        return Decimal(0)
    return min(MPF_MAX_USD, max(MPF_MIN_USD, value_usd * MPF_RATE))


def duties_estimate_usd(items: Iterable[Item], entry: EntryType) -> Decimal:
    listed = list(items)
    duties = sum((item_value_usd(item) * duty_rate(item) for item in listed), Decimal(0))
    return _cents(duties + processing_fee(declared_value_usd(listed), entry))


def duty_payer(incoterm: Incoterm) -> DutyPayer:
    """DDP: the shipper pays duties up front; DAP: UPS collects them from the recipient."""
    return "shipper" if incoterm == "DDP" else "recipient"


def declare(order: Order) -> CustomsDeclaration:
    """The customs declaration of an order whose currencies are all supported."""
    value = declared_value_usd(order.items)
    entry = entry_type(value)
    return CustomsDeclaration(
        export_mode=order.export_mode,
        us_entry_type=entry,
        incoterm=order.incoterm,
        declared_value_usd=value,
        duties_estimate_usd=duties_estimate_usd(order.items, entry),
        duty_payer=duty_payer(order.incoterm),
        items=order.items,
    )


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
