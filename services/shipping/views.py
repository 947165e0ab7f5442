"""What the read API returns for a shipment; the same models give the OpenAPI schemas."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.shipping.domain.model import Party, Shipment
from shared.events.schemas.vocabulary import Carrier, DutyPayer, EntryType, ExportMode, Incoterm, Leg, ServiceLevel


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartyView(View):
    name: str
    phone: str
    address_lines: list[str]
    city: str
    region: str = Field(description="Province (sender, China) or state (recipient, US)")
    postal_code: str
    country: str


class ParcelView(View):
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal


class LegView(View):
    leg: Leg
    carrier: Carrier
    origin: str
    destination: str
    planned_start: datetime
    planned_end: datetime


class CustomsView(View):
    export_mode: ExportMode
    us_entry_type: EntryType = Field(description="11 informal (under USD 2,500), 01 formal")
    incoterm: Incoterm
    declared_value_usd: Decimal
    duties_estimate_usd: Decimal = Field(description="An estimate; CBP assesses the real amount at entry")
    duty_payer: DutyPayer


class TrackingNumbers(View):
    jv: str = Field(description="The joint-venture number, equal to the shipment id")
    sf_express: str
    ups: str


class Links(View):
    self: str
    label: str


class ShipmentView(View):
    shipment_id: str = Field(examples=["PBGWYSWAHCD9N97"])
    order_id: str
    shipper_reference: str
    status: Literal["booked", "picked_up", "cancelled"]
    service_level: ServiceLevel
    tracking_numbers: TrackingNumbers
    sender: PartyView
    recipient: PartyView
    parcels: list[ParcelView]
    legs: list[LegView]
    promised_delivery_date: date
    customs: CustomsView
    booked_at: datetime
    picked_up_at: datetime | None
    cancelled_at: datetime | None
    links: Links


def _party(party: Party) -> PartyView:
    return PartyView(
        name=party.name, phone=party.phone, address_lines=list(party.address_lines), city=party.city,
        region=party.region, postal_code=party.postal_code, country=party.country,
    )


def shipment_view(shipment: Shipment) -> ShipmentView:
    customs = shipment.customs
    path = f"/v1/shipments/{shipment.shipment_id}"
    return ShipmentView(
        shipment_id=shipment.shipment_id,
        order_id=shipment.order_id,
        shipper_reference=shipment.shipper_reference,
        status=shipment.status.value,
        service_level=shipment.service_level,
        tracking_numbers=TrackingNumbers(
            jv=shipment.shipment_id, sf_express=shipment.sf_waybill, ups=shipment.ups_tracking_number
        ),
        sender=_party(shipment.sender),
        recipient=_party(shipment.recipient),
        parcels=[ParcelView(weight_kg=p.weight_kg, length_cm=p.length_cm, width_cm=p.width_cm, height_cm=p.height_cm)
                 for p in shipment.parcels],
        legs=[LegView(leg=leg.leg, carrier=leg.carrier, origin=leg.origin, destination=leg.destination,
                      planned_start=leg.planned_start, planned_end=leg.planned_end) for leg in shipment.legs],
        promised_delivery_date=shipment.promised_delivery_date,
        customs=CustomsView(
            export_mode=customs.export_mode, us_entry_type=customs.us_entry_type, incoterm=customs.incoterm,
            declared_value_usd=customs.declared_value_usd, duties_estimate_usd=customs.duties_estimate_usd,
            duty_payer=customs.duty_payer,
        ),
        booked_at=shipment.booked_at,
        picked_up_at=shipment.picked_up_at,
        cancelled_at=shipment.cancelled_at,
        links=Links(self=path, label=f"{path}/label"),
    )
