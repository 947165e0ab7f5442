"""What the joint venture refuses to carry, each with a machine-readable reason code.

Limits are the stricter of SF Express international and UPS: UPS takes at most 150 lb (68 kg) per package,
108 in (274 cm) on the longest side and 165 in (419 cm) of length plus girth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from services.shipping.domain import customs, planning
from services.shipping.domain.model import Order, Refusal

MAX_WEIGHT_KG = Decimal("68")
MAX_LENGTH_CM = Decimal("274")
MAX_LENGTH_PLUS_GIRTH_CM = Decimal("419")

# HS prefixes (chapter, heading or subheading) carried by neither carrier on this lane.
PROHIBITED_HS: dict[str, str] = {
    "93": "arms and ammunition",
    "36": "explosives, pyrotechnics, matches",
    "2402": "cigars and cigarettes",
    "850650": "loose lithium metal cells and batteries",
    "850760": "loose lithium-ion batteries",
}

REASON_CODES = (
    "unsupported_currency",
    "missing_declared_value",
    "prohibited_contents",
    "overweight",
    "oversize",
    "unsupported_destination",
)


def _currency(order: Order) -> Iterator[tuple[str, str]]:
    for index, item in enumerate(order.items):
        if not customs.is_supported_currency(item.currency):
            yield "unsupported_currency", f"items.{index}: currency {item.currency} is not accepted"


def _declared_value(order: Order) -> Iterator[tuple[str, str]]:
    if not order.items or customs.declared_value_usd(order.items) <= 0:
        yield "missing_declared_value", "the customs declaration has no value"


def _prohibited(order: Order) -> Iterator[tuple[str, str]]:
    for index, item in enumerate(order.items):
        for prefix, what in PROHIBITED_HS.items():
            if item.hs_code.startswith(prefix):
                yield "prohibited_contents", f"items.{index}: HS {item.hs_code} ({what}) cannot be carried"


def _weight(order: Order) -> Iterator[tuple[str, str]]:
    for index, parcel in enumerate(order.parcels):
        if parcel.weight_kg > MAX_WEIGHT_KG:
            yield "overweight", f"parcels.{index}: {parcel.weight_kg} kg is over the {MAX_WEIGHT_KG} kg limit"


def _size(order: Order) -> Iterator[tuple[str, str]]:
    for index, parcel in enumerate(order.parcels):
        if parcel.longest_side_cm > MAX_LENGTH_CM:
            yield "oversize", f"parcels.{index}: longest side over {MAX_LENGTH_CM} cm"
        elif parcel.length_plus_girth_cm > MAX_LENGTH_PLUS_GIRTH_CM:
            yield "oversize", (
                f"parcels.{index}: length plus girth {parcel.length_plus_girth_cm} cm "
                f"is over {MAX_LENGTH_PLUS_GIRTH_CM} cm"
            )


def _destination(order: Order) -> Iterator[tuple[str, str]]:
    state = order.recipient.region
    if planning.us_gateway(state) is None:
        why = planning.UNSERVED_DESTINATIONS.get(state, "no US gateway serves it")
        yield "unsupported_destination", f"recipient.state {state}: {why}"


# Checked in this order; the currency check comes first because the value check needs known currencies.
RULES: tuple[Callable[[Order], Iterator[tuple[str, str]]], ...] = (
    _currency, _declared_value, _prohibited, _weight, _size, _destination,
)


def refusal_for(order: Order) -> Refusal | None:
    """The first rule the order breaks (its reason lists every fault of that rule), or None."""
    for rule in RULES:
        faults = list(rule(order))
        if faults:
            return Refusal(order.order_id, order.shipper_id, faults[0][0], "; ".join(text for _, text in faults))
    return None
