"""`shipments.v1`: bookings, refusals and cancellations decided by the shipping service.

Fields added after v1 was first declared are optional, so events written before them still validate.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import Carrier, DutyPayer, EntryType, ExportMode, Incoterm, Leg
from shared.numbers import SHAPES

ReasonCode = str  # a closed list in practice; kept open so a new refusal rule is not a new event version


class PlannedLeg(Payload):
    leg: Leg
    carrier: Carrier
    origin: str
    destination: str
    planned_start: datetime
    planned_end: datetime


class CustomsDecision(Payload):
    export_mode: ExportMode
    us_entry_type: EntryType
    declared_value_usd: Decimal = Field(ge=0)
    duties_estimate_usd: Decimal = Field(ge=0)
    duty_payer: DutyPayer
    incoterm: Incoterm | None = None


class Destination(Payload):
    city: str
    state: str
    zip: str
    # Only initials travel: the recipient's name stays in the orders and shipping databases.
    recipient_initials: str | None = None


class ShipmentBooked(Payload):
    """The shipment id is also the joint-venture tracking number (`PB` + 12 base32 + check character)."""

    shipment_id: str
    order_id: str
    shipper_id: str
    sf_waybill: str = Field(pattern=SHAPES["sf_waybill"].pattern)
    ups_tracking_number: str = Field(pattern=SHAPES["ups_tracking_number"].pattern)
    service_level: str
    legs: list[PlannedLeg] = Field(min_length=1)
    promised_delivery_date: date
    customs: CustomsDecision
    booked_at: datetime | None = None
    destination: Destination | None = None


class ShipmentBookingFailed(Payload):
    """Subject and key are the order id (no shipment exists).

    reason_code is one of: unsupported_currency, missing_declared_value, prohibited_contents, overweight,
    oversize, unsupported_destination.
    """

    order_id: str
    shipper_id: str
    reason_code: ReasonCode = Field(pattern=r"^[a-z_]+$")
    reason: str


class ShipmentCancelled(Payload):
    shipment_id: str
    order_id: str
    shipper_id: str
    cancelled_at: datetime | None = None


class ShipmentCancellationRefused(Payload):
    """reason_code: already_picked_up (the first physical carrier scan happened)."""

    shipment_id: str
    order_id: str
    shipper_id: str
    reason: str
    reason_code: ReasonCode = Field(default="already_picked_up", pattern=r"^[a-z_]+$")
