"""`shipments.v1`: bookings, refusals and cancellations decided by the shipping service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from shared.events.schemas.base import Payload
from shared.events.schemas.vocabulary import Carrier, Leg


class PlannedLeg(Payload):
    leg: Leg
    carrier: Carrier
    origin: str
    destination: str
    planned_start: datetime
    planned_end: datetime


class CustomsDecision(Payload):
    export_mode: Literal["9610", "9710", "9810"]
    us_entry_type: Literal["11", "01"]
    declared_value_usd: Decimal = Field(ge=0)
    duties_estimate_usd: Decimal = Field(ge=0)
    duty_payer: Literal["shipper", "recipient"]


class ShipmentBooked(Payload):
    shipment_id: str
    order_id: str
    shipper_id: str
    sf_waybill: str = Field(pattern=r"^SF[0-9]{13}$")
    ups_tracking_number: str = Field(pattern=r"^1Z[0-9A-Z]{16}$")
    service_level: str
    legs: list[PlannedLeg] = Field(min_length=1)
    promised_delivery_date: date
    customs: CustomsDecision


class ShipmentBookingFailed(Payload):
    order_id: str
    shipper_id: str
    reason_code: str = Field(pattern=r"^[a-z_]+$")
    reason: str


class ShipmentCancelled(Payload):
    shipment_id: str
    order_id: str
    shipper_id: str


class ShipmentCancellationRefused(Payload):
    shipment_id: str
    order_id: str
    shipper_id: str
    reason: str
