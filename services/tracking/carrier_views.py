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


class SfAnswer(_Closed):
    """`0000` on success; any other code is a failure SF retries (at most three times)."""

    return_code: str
    return_msg: str


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
    gmtActivityDate: str = Field(description="YYYYMMDD")
    gmtActivityTime: str = Field(description="HHMMSS")
    activityLocation: dict[str, Any] | None = None
    scheduledDeliveryDate: str | None = None


class UpsAccepted(_Closed):
    response: dict[str, Any] = Field(description="`{status: accepted, recorded, parked}`")


class UpsError(_Closed):
    code: str
    message: str


class UpsErrorBody(_Closed):
    errors: list[UpsError]


class UpsErrors(_Closed):
    """UPS's error shape."""

    response: UpsErrorBody
