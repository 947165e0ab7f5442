"""The shipment aggregate, the order it is booked from, and the refusal of an order."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from shared.events.schemas.vocabulary import Carrier, DutyPayer, EntryType, ExportMode, Incoterm, Leg, ServiceLevel


@dataclass(frozen=True)
class Party:
    """A sender (China: region is the province) or a recipient (US: region is the state)."""

    name: str
    phone: str
    address_lines: tuple[str, ...]
    city: str
    region: str
    postal_code: str
    country: str


@dataclass(frozen=True)
class Parcel:
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal

    @property
    def length_plus_girth_cm(self) -> Decimal:
        """Carriers measure length as the longest side and girth around the other two."""
        longest, middle, shortest = sorted((self.length_cm, self.width_cm, self.height_cm), reverse=True)
        return longest + 2 * (middle + shortest)

    @property
    def longest_side_cm(self) -> Decimal:
        return max(self.length_cm, self.width_cm, self.height_cm)


@dataclass(frozen=True)
class Item:
    description: str
    quantity: int
    unit_value: Decimal
    currency: str
    hs_code: str
    origin_country: str


@dataclass(frozen=True)
class Order:
    order_id: str
    shipper_id: str
    shipper_reference: str
    sender: Party
    recipient: Party
    parcels: tuple[Parcel, ...]
    items: tuple[Item, ...]
    incoterm: Incoterm
    contents_type: str
    export_mode: ExportMode
    service_level: ServiceLevel


@dataclass(frozen=True)
class Numbers:
    """The three numbers a parcel is known by; any of them resolves to the same tracker."""

    shipment_id: str
    sf_waybill: str
    ups_tracking_number: str


@dataclass(frozen=True)
class PlannedLeg:
    leg: Leg
    carrier: Carrier
    origin: str
    destination: str
    planned_start: datetime
    planned_end: datetime


@dataclass(frozen=True)
class CustomsDeclaration:
    export_mode: ExportMode
    us_entry_type: EntryType
    incoterm: Incoterm
    declared_value_usd: Decimal
    duties_estimate_usd: Decimal
    duty_payer: DutyPayer
    items: tuple[Item, ...]


class Status(StrEnum):
    BOOKED = "booked"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"


class CannotCancel(Exception):
    """The carrier already has the parcel: cancelling is no longer ours to do."""

    def __init__(self, reason_code: str, reason: str):
        super().__init__(reason)
        self.reason_code = reason_code
        self.reason = reason


@dataclass(frozen=True)
class Refusal:
    """An order the joint venture will not carry, with a machine-readable reason."""

    order_id: str
    shipper_id: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    sf_waybill: str
    ups_tracking_number: str
    order_id: str
    shipper_id: str
    shipper_reference: str
    service_level: ServiceLevel
    sender: Party
    recipient: Party
    parcels: tuple[Parcel, ...]
    legs: tuple[PlannedLeg, ...]
    promised_delivery_date: date
    customs: CustomsDeclaration
    booked_at: datetime
    status: Status = Status.BOOKED
    picked_up_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def numbers(self) -> Numbers:
        return Numbers(self.shipment_id, self.sf_waybill, self.ups_tracking_number)

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((p.weight_kg for p in self.parcels), Decimal(0))

    def renumbered(self, numbers: Numbers) -> Shipment:
        """The same booking under fresh numbers (after a generated number collided)."""
        return dataclasses.replace(
            self,
            shipment_id=numbers.shipment_id,
            sf_waybill=numbers.sf_waybill,
            ups_tracking_number=numbers.ups_tracking_number,
        )

    def cancel(self, at: datetime) -> Shipment:
        """This shipment cancelled (itself if it already is); CannotCancel once a carrier scanned it."""
        if self.status is Status.CANCELLED:
            return self
        if self.picked_up_at is not None:
            raise CannotCancel(
                "already_picked_up",
                f"the parcel was picked up by SF Express at {self.picked_up_at.isoformat()}; "
                "it can no longer be cancelled",
            )
        return dataclasses.replace(self, status=Status.CANCELLED, cancelled_at=at)

    def mark_picked_up(self, at: datetime) -> Shipment:
        """The first physical scan wins; later ones change nothing. A cancelled shipment stays cancelled."""
        if self.picked_up_at is not None:
            return self
        status = Status.PICKED_UP if self.status is Status.BOOKED else self.status
        return dataclasses.replace(self, status=status, picked_up_at=at)
