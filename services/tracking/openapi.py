"""The OpenAPI 3.1 document of the tracking API; its schemas are generated from the pydantic models."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel

from services.tracking.carrier_views import SfAnswer, SfRoutePush, UpsAccepted, UpsErrors, UpsTrackAlert
from services.tracking.domain.numbers import VALID_FORMS
from services.tracking.views import MAX_BATCH, BatchRequest, BatchResponse, TrackingView
from shared.http.openapi import (
    ModelRefs,
    component_schemas,
    json_content,
    operational_paths,
    problem_response,
    request_body,
)
from shared.http.views import ProblemView

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

_REQUEST_MODELS: tuple[type[BaseModel], ...] = (BatchRequest, SfRoutePush, UpsTrackAlert)
_RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    TrackingView, BatchResponse, ProblemView, SfAnswer, UpsAccepted, UpsErrors,
)


@cache
def _document() -> dict[str, Any]:
    refs, schemas = _schemas()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "parcelbridge tracking API",
            "version": "1.0.0",
            "description": "Customers follow a China → US parcel by any of its three numbers, across SF Express, "
            "both customs borders and UPS. Carriers post scans in their own formats to the ingest endpoints.",
        },
        "servers": [{"url": "http://127.0.0.1:8003"}],
        "paths": _paths(refs),
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "sfSignature": {"type": "apiKey", "in": "header", "name": "msgDigest", "description": SF_AUTH},
                "upsCredential": {"type": "apiKey", "in": "header", "name": "credential", "description": UPS_AUTH},
            },
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())


@cache
def _schemas() -> tuple[ModelRefs, dict[str, Any]]:
    return component_schemas(_REQUEST_MODELS, _RESPONSE_MODELS)


def _paths(refs: ModelRefs) -> dict[str, Any]:
    limited = {"429": problem_response("Too many requests from this address; see Retry-After", retry_after=True)}
    return {
        "/v1/carriers/sf/route-push": {"post": _carrier(
            "SF Express route push (or route-query answer)", refs[SfRoutePush], EXAMPLE_SF_PUSH, refs[SfAnswer],
            refs[SfAnswer], "sfSignature",
        )},
        "/v1/carriers/ups/track": {"post": _carrier(
            "UPS Track Alert message(s) or Track API v1 answer", refs[UpsTrackAlert], EXAMPLE_UPS_ALERT,
            refs[UpsAccepted], refs[UpsErrors], "upsCredential",
        )},
        "/v1/tracking/{number}": {"get": {
            "summary": "Track a parcel",
            "description": "Status, milestone, leg, carrier, ETA and events (newest first). Poll with "
            "If-None-Match: an unchanged parcel answers 304 with no body.",
            "operationId": "track",
            "security": [],
            "parameters": [
                {"name": "number", "in": "path", "required": True, "description": VALID_FORMS,
                 "schema": {"type": "string", "maxLength": 40}},
                {"name": "Accept-Language", "in": "header", "required": False,
                 "description": "`zh-CN` for Simplified Chinese descriptions; English otherwise",
                 "schema": {"type": "string"}},
                {"name": "If-None-Match", "in": "header", "required": False,
                 "description": "The ETag of the last answer", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {**json_content(refs[TrackingView]), "description": "The parcel", "headers": {
                    "ETag": {"description": "Changes whenever the answer does", "schema": {"type": "string"}},
                    "Cache-Control": {"description": "How long to wait before polling again",
                                      "schema": {"type": "string"}},
                }},
                "304": {"description": "Not modified since the ETag given"},
                "400": problem_response("Not a valid number; the detail says what one looks like"),
                "404": problem_response("No parcel has this number (yet)"),
                **limited,
            },
        }},
        "/v1/tracking/batch": {"post": {
            "summary": f"Track up to {MAX_BATCH} parcels at once",
            "description": "One result per number, in order; unknown and malformed numbers are reported per item.",
            "operationId": "trackBatch",
            "security": [],
            "requestBody": request_body(refs[BatchRequest], EXAMPLE_BATCH, required=True),
            "responses": {
                "200": {**json_content(refs[BatchResponse]), "description": "One result per number"},
                "400": problem_response("Malformed JSON"),
                "413": problem_response(f"More than {MAX_BATCH} numbers"),
                "415": problem_response("Body is not application/json"),
                "422": problem_response("Invalid fields"),
                **limited,
            },
        }},
        **operational_paths(),
    }


def _carrier(summary: str, body: dict[str, str], example: dict[str, Any], ok: dict[str, str],
             error: dict[str, str], scheme: str) -> dict[str, Any]:
    def failure(description: str) -> dict[str, Any]:
        return {**json_content(error), "description": description}

    return {
        "summary": summary,
        "description": "Answers success only after every scan was durably recorded (or parked, for numbers "
        "not booked yet); a failure answer means nothing may be assumed recorded: retry.",
        "security": [{scheme: []}],
        "requestBody": request_body(body, example, required=True),
        "responses": {
            "200": {**json_content(ok), "description": "Recorded: every usable event; the refused ones are listed "
                    "with their index and reason"},
            "400": failure("Not the carrier's format, or no event in it usable (the message says where)"),
            "401": failure("Missing, wrong or stale credential; nothing recorded"),
            "413": failure("Body or event count over the limit; send smaller batches"),
            "422": failure("The body is the carrier's own error answer (its codes echoed); nothing recorded"),
            "503": failure("Broker unavailable; nothing may be assumed recorded, retry"),
        },
    }

