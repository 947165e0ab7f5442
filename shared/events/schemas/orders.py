"""`orders.v1`: what a shipper ordered, as the shipping service needs it to book."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints

from shared.events.schemas.base import Payload

Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 \-]{5,19}$")]
HsCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6,10}$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Sender(Payload):
    name: Text
    phone: Phone
    address_lines: list[Text] = Field(min_length=1, max_length=3)
    city: Text
    province: Text
    postal_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
    country: Literal["CN"]


class Recipient(Payload):
    name: Text
    phone: Phone
    email: EmailStr | None = None
    address_lines: list[Text] = Field(min_length=1, max_length=3)
    city: Text
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    zip: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}(-?[0-9]{4})?$")]
    country: Literal["US"]


class Parcel(Payload):
    weight_kg: Decimal = Field(gt=0, le=70, max_digits=8, decimal_places=3)
    length_cm: Decimal = Field(gt=0, le=274, max_digits=7, decimal_places=1)
    width_cm: Decimal = Field(gt=0, le=274, max_digits=7, decimal_places=1)
    height_cm: Decimal = Field(gt=0, le=274, max_digits=7, decimal_places=1)


class CustomsItem(Payload):
    description: Text
    quantity: int = Field(ge=1, le=100_000)
    unit_value: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    currency: Currency
    hs_code: HsCode
    origin_country: Country


class Customs(Payload):
    incoterm: Literal["DDP", "DAP"]
    contents_type: Literal["merchandise", "gift", "documents", "sample", "return"]
    export_mode: Literal["9610", "9710", "9810"] = "9610"
    items: list[CustomsItem] = Field(min_length=1, max_length=100)


ServiceLevel = Literal["standard", "express"]


class OrderPlaced(Payload):
    order_id: str
    shipper_id: str
    shipper_reference: Text
    placed_at: datetime
    sender: Sender
    recipient: Recipient
    parcels: list[Parcel] = Field(min_length=1, max_length=20)
    customs: Customs
    service_level: ServiceLevel


class OrderCancelled(Payload):
    order_id: str
    shipper_id: str
    reason: str | None = Field(default=None, max_length=500)
