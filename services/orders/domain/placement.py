"""What a shipper may order: the request model with the rules beyond the event schema, and idempotency."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from decimal import Decimal

from pydantic import Field, field_validator

from shared.errors import BusinessRuleViolation
from shared.events.schemas.base import Payload
from shared.events.schemas.orders import Customs, Parcel, Recipient, Sender, ServiceLevel, Text

# UPS's limit for a package: length (longest side) plus girth at most 165 in.
MAX_LENGTH_PLUS_GIRTH_CM = Decimal("419")
ORDER_ID_PREFIX = "ord_"


class IdempotencyKeyReused(BusinessRuleViolation):
    """The Idempotency-Key was already used by this shipper for a different request body."""


class OrderRequest(Payload):
    """The body of `POST /v1/orders`; unknown fields are refused (inherited `extra="forbid"`)."""

    shipper_reference: Text = Field(description="The shipper's own reference, e.g. its order number.")
    sender: Sender
    recipient: Recipient
    parcels: list[Parcel] = Field(min_length=1, max_length=20)
    customs: Customs
    service_level: ServiceLevel

    @field_validator("parcels")
    @classmethod
    def _parcels_within_girth(cls, parcels: list[Parcel]) -> list[Parcel]:
        too_big = [str(i) for i, parcel in enumerate(parcels) if length_plus_girth(parcel) > MAX_LENGTH_PLUS_GIRTH_CM]
        if too_big:
            raise ValueError(
                f"parcel(s) {', '.join(too_big)} exceed length plus girth of {MAX_LENGTH_PLUS_GIRTH_CM} cm"
            )
        return parcels

    @field_validator("customs")
    @classmethod
    def _one_invoice_currency(cls, customs: Customs) -> Customs:
        # One commercial invoice, one currency: customs cannot total mixed currencies.
        currencies = {item.currency for item in customs.items}
        if len(currencies) > 1:
            raise ValueError(f"all customs items must share one currency, got {', '.join(sorted(currencies))}")
        return customs


def length_plus_girth(parcel: Parcel) -> Decimal:
    """Longest side plus twice the two others, as carriers measure size."""
    longest, *others = sorted((parcel.length_cm, parcel.width_cm, parcel.height_cm), reverse=True)
    return longest + 2 * sum(others)


def fingerprint(request: OrderRequest) -> str:
    """SHA-256 of the request's canonical JSON: equal for bodies that mean the same order."""
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def random_order_id() -> str:
    """`ord_` + 20 base32 characters (100 random bits)."""
    return _order_id(secrets.token_bytes(13))


def order_id_for_key(shipper_id: str, idempotency_key: str) -> str:
    """The same id for the same (shipper, key), so a retried POST collides with its first insert."""
    return _order_id(hashlib.sha256(f"{shipper_id}\n{idempotency_key}".encode()).digest())


def _order_id(raw: bytes) -> str:
    return ORDER_ID_PREFIX + base64.b32encode(raw).decode().lower()[:20]
