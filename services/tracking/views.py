"""The tracking service's wire models: what its public API reads and answers (the tracker's view), and the
carriers' push and answer shapes, as models for the OpenAPI document (parsing is in carriers/)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.tracking.domain import i18n
from services.tracking.domain.i18n import Language
from services.tracking.domain.model import Entry, Tracker
from services.tracking.domain.numbers import TrackingNumber
from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import Location
from shared.events.schemas.vocabulary import Carrier, Leg, Milestone, Reason, Status
from shared.numbers import NumberKind

MAX_BATCH = 40


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BatchRequest(_View):
    """The body of `POST /v1/tracking/batch`."""

    numbers: list[str] = Field(min_length=1, description=f"Up to {MAX_BATCH} numbers of any of the three kinds")


class Numbers(_View):
    shipment_id: str = Field(description="The ParcelBridge number (also the shipment id)")
    sf_waybill: str
    ups_tracking_number: str


class Estimate(_View):
    date: date
    source: Literal["carrier", "plan", "plan_revised"] = Field(
        description="carrier: the carrier's latest delivery date; plan: the promised date; plan_revised: the "
        "promise pushed back because a leg runs late"
    )


class RecipientView(_View):
    """Masked: initials and city only (initials are null while the booking does not carry the name)."""

    initials: str | None
    city: str | None
    state: str | None


class EventView(_View):
    occurred_at: datetime
    status: Status | None
    milestone: Milestone | None
    leg: Leg | None
    carrier: Carrier
    carrier_name: str
    reason: Reason | None
    description: str
    location: str | None
    carrier_code: str = Field(description="The raw carrier code(s), e.g. `opCode=50` or `type=I code=OT`")
    future_dated: bool = Field(description="Dated beyond the allowed clock skew: shown, but it moves nothing")
    approximate_time: bool = Field(
        False, description="The carrier gave only a local time and no zone for it: the time is derived from the "
        "parcel's last known zone and may be off by the difference between zones")


class TrackingView(_View):
    """One parcel across both carriers and both customs borders; events newest first."""

    number: str
    number_kind: NumberKind
    numbers: Numbers
    status: Status
    status_description: str
    milestone: Milestone
    milestone_description: str
    reason: Reason | None
    leg: Leg | None
    carrier: Carrier
    carrier_name: str
    estimated_delivery: Estimate | None
    promised_delivery_date: date
    delivered_at: datetime | None
    recipient: RecipientView
    last_updated: datetime
    events: list[EventView]
    events_omitted: int = Field(description="Oldest events no longer kept (a timeline keeps the latest 500)")


class BatchItem(_View):
    number: str
    status: Literal[200, 400, 404]
    tracking: TrackingView | None = None
    error: str | None = None


class BatchResponse(_View):
    results: list[BatchItem] = Field(description="One per number asked for, in the same order")


def tracking_view(tracker: Tracker, number: TrackingNumber, language: Language) -> dict:
    """The JSON body for one parcel, in the customer's language."""
    state = tracker.state
    eta, source = tracker.estimated_delivery
    placed = tracker.placed_milestones()
    view = TrackingView(
        number=number.value,
        number_kind=number.kind,
        numbers=Numbers(shipment_id=tracker.shipment_id, sf_waybill=tracker.sf_waybill,
                        ups_tracking_number=tracker.ups_tracking_number),
        status=state.status,
        status_description=i18n.status_text(state.status, state.reason, language),
        milestone=state.milestone,
        milestone_description=i18n.text(i18n.MILESTONES, state.milestone, language),
        reason=state.reason,
        leg=state.leg,
        carrier=state.carrier,
        carrier_name=i18n.text(i18n.CARRIERS, state.carrier, language),
        estimated_delivery=Estimate(date=eta, source=source) if eta and source else None,
        promised_delivery_date=tracker.promised_delivery_date,
        delivered_at=state.since if state.status == "delivered" else None,
        recipient=RecipientView(initials=tracker.recipient.initials, city=tracker.recipient.city,
                                state=tracker.recipient.region),
        last_updated=tracker.updated_at,
        events=[event_view(entry, language, placed.get(entry.seq, entry.scan.milestone))
                for entry in reversed(tracker.timeline)],
        events_omitted=tracker.omitted,
    )
    return view.model_dump(mode="json")


def event_view(entry: Entry, language: Language, milestone: str | None = None) -> EventView:
    """One timeline entry; `milestone`: the entry's as the tracker placed it (hub scans follow the leg)."""
    scan = entry.scan
    milestone = milestone or scan.milestone
    return EventView(
        occurred_at=scan.occurred_at,
        status=scan.status,
        milestone=milestone,
        leg=LEG_OF[milestone] if milestone else scan.leg,
        carrier=scan.carrier,
        carrier_name=i18n.text(i18n.CARRIERS, scan.carrier, language),
        reason=scan.reason,
        description=i18n.event_text(scan.kind, scan.status, milestone, scan.reason, scan.raw_text,
                                    scan.delivery_estimate, language),
        location=place(scan.location),
        carrier_code=" ".join(f"{k}={v}" for k, v in scan.raw_codes.items()),
        future_dated=entry.future_dated,
        approximate_time=scan.approximate_time,
    )


def place(location: Location) -> str | None:
    """"Los Angeles, CA, US" from the parts present; SF's free-text address as it came."""
    parts = [p for p in (location.city, location.region, location.country) if p]
    return ", ".join(parts) if parts else location.description


# The carriers' shapes: open where carriers add fields, closed where we answer.

class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SfRoute(_Open):
    mailno: str = Field(description="SF waybill")
    acceptTime: str = Field(description="`YYYY-MM-DD HH:MM:SS`, China time (UTC+8), no zone")
    opCode: str | None = None
    acceptAddress: str | None = None
    remark: str | None = None
    reasonCode: str | None = None
    reasonName: str | None = None
    secondaryStatusCode: str | None = None


class SfBody(_Open):
    WaybillRoute: list[SfRoute]


class SfRoutePush(_Open):
    """An SF route push; an SF route-query answer (`routeResps[]`, bare or in SF's envelope) is also accepted."""

    Body: SfBody


class Refused(_Closed):
    """One activity or route left out of an accepted payload."""

    index: str = Field(description="Its path in the payload, e.g. `Body.WaybillRoute[2]`")
    reason: str = Field(description="missing_field, wrong_type, too_long, bad_time, no_time_zone, no_code, "
                        "masked_number")
    message: str


class CarrierNote(_Closed):
    code: str
    message: str


class SfAnswer(_Closed):
    """`0000` on success (with the routes refused, if any); any other code is a failure SF retries (at most
    three times). A failed SF route answer posted to us is refused with SF's own errorCode echoed."""

    return_code: str
    return_msg: str
    refused: int | None = None
    refusals: list[Refused] | None = None
    carrier_error: CarrierNote | None = None


class UpsActivityStatus(_Open):
    type: str
    code: str | None = None
    statusCode: str | None = None
    description: str | None = None


class UpsTrackAlert(_Open):
    """A UPS Track Alert event message (or a list of them); a Track API v1 answer (`trackResponse`) is also
    accepted."""

    trackingNumber: str
    activityStatus: UpsActivityStatus
    gmtActivityDate: str | None = Field(None, description="YYYYMMDD; without it, the local date and time are "
                                        "placed in the zone of activityLocation")
    gmtActivityTime: str | None = Field(None, description="HHMMSS")
    localActivityDate: str | None = Field(None, description="YYYYMMDD")
    localActivityTime: str | None = Field(None, description="HHMMSS")
    activityLocation: dict[str, Any] | None = None
    scheduledDeliveryDate: str | None = None


class UpsAccepted(_Closed):
    response: dict[str, Any] = Field(description="`{status: accepted, recorded, parked, refused, refusals[]}`: "
                                     "refusals name each activity left out, by index, with the reason")
    warnings: list[CarrierNote] | None = Field(None, description="UPS's own warnings (e.g. TW0001), echoed")


class UpsError(_Closed):
    code: str
    message: str


class UpsErrorBody(_Closed):
    errors: list[UpsError]


class UpsErrors(_Closed):
    """UPS's error shape: our code first, then UPS's own codes verbatim when the body was a UPS error answer."""

    response: UpsErrorBody
