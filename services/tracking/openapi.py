"""The tracking API's operations, declared for shared.http.openapi, which builds the document from the views."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from services.tracking.domain.numbers import VALID_FORMS
from services.tracking.views import (
    MAX_BATCH,
    BatchRequest,
    BatchResponse,
    SfAnswer,
    SfRoutePush,
    TrackingView,
    UpsAccepted,
    UpsErrors,
    UpsTrackAlert,
)
from shared.http.openapi import build_document
from shared.http.operations import Api, Body, Operation, Refusal, Reply, header_parameter, path_parameter

EXAMPLE_SF_PUSH: dict[str, Any] = {"Body": {"WaybillRoute": [{
    "id": "158823648210", "mailno": "SF1234567890128", "orderid": "PBGWYSWAHCD9N97",
    "acceptTime": "2025-06-02 09:15:00", "acceptAddress": "深圳市", "remark": "顺丰速运 已收取快件",
    "opCode": "50",
}]}}
EXAMPLE_UPS_ALERT: dict[str, Any] = {
    "trackingNumber": "1ZCIETST0111111114",
    "localActivityDate": "20250611", "localActivityTime": "083000",
    "gmtActivityDate": "20250611", "gmtActivityTime": "153000",
    "activityLocation": {"city": "Los Angeles", "stateProvince": "CA", "postalCode": "90001", "country": "US"},
    "activityStatus": {"type": "I", "code": "OT", "description": "Out For Delivery Today"},
    "scheduledDeliveryDate": "20250611",
}
EXAMPLE_BATCH: dict[str, Any] = {"numbers": ["PBGWYSWAHCD9N97", "SF1234567890128", "1ZCIETST0111111114"]}
SF_AUTH = (
    "Headers `timestamp` (milliseconds since the epoch, within the configured window of our clock) and "
    "`msgDigest` = Base64(MD5(URLEncode(body + timestamp + checkWord))), URLEncode as Java's URLEncoder "
    "(UTF-8, space as `+`), body the raw request body."
)
UPS_AUTH = "Header `credential`: the value set in our Track Alert subscription, which UPS echoes back."

_LIMITED = {"429": Refusal("Too many requests from this address; see Retry-After", retry_after=True)}
_STRING = {"type": "string"}


def _carrier(path: str, summary: str, body: Body, ok: type, error: type, scheme: str) -> Operation:
    def failure(description: str) -> Reply:
        return Reply(description, error)

    return Operation(
        "post", path, summary,
        description="Answers success only after every scan was durably recorded (or parked, for numbers not "
        "booked yet); a failure answer means nothing may be assumed recorded: retry.",
        security=[{scheme: []}], body=body,
        responses={
            "200": Reply("Recorded: every usable event; the refused ones are listed with their index and reason", ok),
            "400": failure("Not the carrier's format, or no event in it usable (the message says where)"),
            "401": failure("Missing, wrong or stale credential; nothing recorded"),
            "413": failure("Body or event count over the limit; send smaller batches"),
            "422": failure("The body is the carrier's own error answer (its codes echoed); nothing recorded"),
            "503": failure("Broker unavailable; nothing may be assumed recorded, retry"),
        },
    )


SF_PUSH = _carrier("/v1/carriers/sf/route-push", "SF Express route push (or route-query answer)",
                   Body(SfRoutePush, EXAMPLE_SF_PUSH), SfAnswer, SfAnswer, "sfSignature")
UPS_TRACK = _carrier("/v1/carriers/ups/track", "UPS Track Alert message(s) or Track API v1 answer",
                     Body(UpsTrackAlert, EXAMPLE_UPS_ALERT), UpsAccepted, UpsErrors, "upsCredential")
TRACK = Operation(
    "get", "/v1/tracking/{number}", "Track a parcel",
    description="Status, milestone, leg, carrier, ETA and events (newest first). Poll with If-None-Match: an "
    "unchanged parcel answers 304 with no body.",
    operation_id="track", security=[],
    parameters=[
        path_parameter("number", {"type": "string", "maxLength": 40}, VALID_FORMS),
        header_parameter("Accept-Language", _STRING, "`zh-CN` for Simplified Chinese descriptions; English otherwise"),
        header_parameter("If-None-Match", _STRING, "The ETag of the last answer"),
    ],
    responses={
        "200": Reply("The parcel", TrackingView, headers={
            "ETag": {"description": "Changes whenever the answer does", "schema": _STRING},
            "Cache-Control": {"description": "How long to wait before polling again", "schema": _STRING},
        }),
        "304": Reply("Not modified since the ETag given"),
        "400": Refusal("Not a valid number; the detail says what one looks like"),
        "404": Refusal("No parcel has this number (yet)"),
        **_LIMITED,
    },
)
TRACK_BATCH = Operation(
    "post", "/v1/tracking/batch", f"Track up to {MAX_BATCH} parcels at once",
    description="One result per number, in order; unknown and malformed numbers are reported per item.",
    operation_id="trackBatch", security=[], body=Body(BatchRequest, EXAMPLE_BATCH),
    responses={
        "200": Reply("One result per number", BatchResponse),
        "400": Refusal("Malformed JSON"),
        "413": Refusal(f"More than {MAX_BATCH} numbers"),
        "415": Refusal("Body is not application/json"),
        "422": Refusal("Invalid fields"),
        **_LIMITED,
    },
)

TRACKING_API = Api(
    title="parcelbridge tracking API",
    version="1.0.0",
    description="Customers follow a China → US parcel by any of its three numbers, across SF Express, both "
    "customs borders and UPS. Carriers post scans in their own formats to the ingest endpoints.",
    operations=(SF_PUSH, UPS_TRACK, TRACK, TRACK_BATCH),
    server="http://127.0.0.1:8003",
    security_schemes={
        "sfSignature": {"type": "apiKey", "in": "header", "name": "msgDigest", "description": SF_AUTH},
        "upsCredential": {"type": "apiKey", "in": "header", "name": "credential", "description": UPS_AUTH},
    },
)


@cache
def _document() -> dict[str, Any]:
    return build_document(TRACKING_API)


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())
