"""The carriers' request and answer shapes, as models for the OpenAPI document (parsing is in carriers/)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
