"""`orders.v1`: what a shipper ordered, as the shipping service needs it to book."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import ExportMode, Incoterm, ServiceLevel

# Text is taken as sent, never trimmed: a trimmed value could pass limits the OpenAPI document says it breaks
# (200 characters plus spaces), so blank and space-padded values are refused by the documented pattern instead.
NOT_BLANK = r"^\S(?:.*\S)?$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 \-]{5,19}$")]
HsCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6,10}$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]

# USPS codes UPS delivers to: the 50 states, DC, the inhabited territories and the military "states".
US_STATES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
    "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "DC", "PR", "GU", "VI", "AS", "MP", "AA", "AE", "AP",
)


def _us_state(code: str) -> str:
    if code not in US_STATES:
        raise ValueError(f"{code!r} is not a US state, territory or military state code")
    return code


UsState = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(_us_state)]


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
    state: UsState
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
    incoterm: Incoterm
    contents_type: Literal["merchandise", "gift", "documents", "sample", "return"]
    export_mode: ExportMode = "9610"
    items: list[CustomsItem] = Field(min_length=1, max_length=100)



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
