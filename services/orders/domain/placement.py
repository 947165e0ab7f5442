"""What a shipper may order: the request model with the rules beyond the event schema, and idempotency."""

from __future__ import annotations

import hashlib
import json

from pydantic import Field, field_validator

from shared.errors import BusinessRuleViolation
from shared.events.schemas.base import Payload
from shared.events.schemas.orders import Customs, Parcel, Recipient, Sender, Text
from shared.events.schemas.vocabulary import ServiceLevel
from shared.ids import derived_id, random_id

IDEMPOTENCY_KEY_MAX = 255
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
    # What the carriers take (weight, size, contents, destination) is shipping's rule: a parcel too big is
    # refused there with reason "oversize", and the order learns it from the refusal event.

    @field_validator("customs")
    @classmethod
    def _one_invoice_currency(cls, customs: Customs) -> Customs:
        # One commercial invoice, one currency: customs cannot total mixed currencies.
        currencies = {item.currency for item in customs.items}
        if len(currencies) > 1:
            raise ValueError(f"all customs items must share one currency, got {', '.join(sorted(currencies))}")
        return customs


def fingerprint(request: OrderRequest) -> str:
    """SHA-256 of the request's canonical JSON: equal for bodies that mean the same order."""
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def random_order_id() -> str:
    """`ord_` + 20 base32 characters (100 random bits)."""
    return random_id(ORDER_ID_PREFIX)


def order_id_for_key(shipper_id: str, idempotency_key: str) -> str:
    """The same id for the same (shipper, key), so a retried POST collides with its first insert."""
    return derived_id(ORDER_ID_PREFIX, shipper_id, idempotency_key)
