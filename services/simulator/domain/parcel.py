"""A booked shipment as the simulator plays it: its numbers, its leg plan and the places along it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.simulator.domain.goods import sender_city
from services.simulator.domain.places import CHINA_ZONE, Place, china_gateway, us_gateway, us_place
from shared.events.schemas.shipments import ShipmentBooked

LEGS = ("first_mile", "export_customs", "air_linehaul", "import_customs", "last_mile")


class UnplayablePlan(ValueError):
    """The booking lacks a leg the journey needs."""


@dataclass(frozen=True)
class Parcel:
    shipment_id: str
    order_id: str
    sf_waybill: str
    ups_number: str
    legs: dict[str, tuple[datetime, datetime]]
    pickup: Place
    origin_hub: Place
    export_gateway: Place
    import_gateway: Place
    destination: Place
    recipient_pays_duties: bool
    booked_at: datetime

    def number_for(self, carrier: str) -> str:
        return self.sf_waybill if carrier == "sf_express" else self.ups_number


def parcel_from_booking(booked: ShipmentBooked) -> Parcel:
    """The parcel of a `shipment.booked` event; raises UnplayablePlan without the five legs."""
    plan = {leg.leg: leg for leg in booked.legs}
    missing = [leg for leg in LEGS if leg not in plan]
    if missing:
        raise UnplayablePlan(f"{booked.shipment_id}: no {', '.join(missing)} leg in the plan")
    pickup, hub = _sender_places(plan["first_mile"].origin)
    customs = booked.customs
    return Parcel(
        shipment_id=booked.shipment_id, order_id=booked.order_id, sf_waybill=booked.sf_waybill,
        ups_number=booked.ups_tracking_number,
        legs={name: (plan[name].planned_start, plan[name].planned_end) for name in LEGS},
        pickup=pickup, origin_hub=hub,
        export_gateway=china_gateway(plan["export_customs"].origin),
        import_gateway=us_gateway(plan["air_linehaul"].destination),
        destination=_destination(booked, plan["last_mile"].destination),
        recipient_pays_duties=customs.duty_payer == "recipient" and customs.duties_estimate_usd > 0,
        booked_at=booked.booked_at or plan["first_mile"].planned_start,
    )


def _sender_places(city: str) -> tuple[Place, Place]:
    known = sender_city(city)
    if known is None:
        return Place(city, "", "", "CN", CHINA_ZONE, city), Place(city, "", "", "CN", CHINA_ZONE, f"{city} hub")
    pickup = Place(known.city, known.province, known.postal_code, "CN", CHINA_ZONE, f"{known.chinese}市")
    return pickup, Place(known.city, known.province, known.postal_code, "CN", CHINA_ZONE, f"{known.chinese}集散中心")


def _destination(booked: ShipmentBooked, label: str) -> Place:
    if booked.destination is not None:
        return us_place(booked.destination.city, booked.destination.state, booked.destination.zip)
    # Older bookings: "City, ST 12345".
    city, _, rest = label.partition(",")
    state, _, zip_code = rest.strip().partition(" ")
    return us_place(city.strip(), state or "NY", zip_code.strip())
