"""The carriers' query APIs as the simulator answers them: UPS Track API v1 (with its OAuth token) and SF's route
query (`EXP_RECE_SEARCH_ROUTES`), in their real formats (../shared/reference/carriers.md).

Unknown numbers are answered as the carriers do: UPS with a `TW0001` warning and no package, SF with no
routes for that number — or, when no number of the call is known, `success: false` and an errorCode. SF's
code for that case is not in any public page we found; `8151` is the simulator's own choice (documented in
the tracking README), while `8003` (more than 10 numbers) and the gateway codes are SF's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from services.simulator.carriers import ups

SF_MAX_NUMBERS = 10
SF_TOO_MANY, SF_NONE_FOUND = "8003", "8151"
ROUTE_QUERY_FIELDS = ("acceptTime", "acceptAddress", "remark", "opCode", "firstStatusCode", "firstStatusName",
                      "secondaryStatusCode", "secondaryStatusName")
TOKEN_LIFETIME_S = 14_399  # what UPS answers: four hours less a second


def ups_token(value: str) -> dict[str, Any]:
    return {"token_type": "Bearer", "issued_at": "0", "client_id": "simulator", "access_token": value,
            "expires_in": str(TOKEN_LIFETIME_S), "status": "approved"}


def ups_error(code: str, message: str) -> dict[str, Any]:
    return {"response": {"errors": [{"code": code, "message": message}]}}


def ups_track_answer(number: str, activities: Sequence[tuple[Any, dict[str, Any]]] | None) -> dict[str, Any]:
    """One inquiry number's answer: its package with every activity so far, or UPS's not-found warning."""
    if not activities:
        return {"trackResponse": {"shipment": [{"inquiryNumber": number, "warnings": [
            {"code": "TW0001", "message": "Tracking Information Not Found"}]}]}}
    return ups.track_response({number: list(activities)})


def sf_query_route(pushed: Mapping[str, Any]) -> dict[str, Any]:
    """A route-push entry as the route query returns it (no mailno, id, orderid nor reason fields)."""
    return {name: pushed[name] for name in ROUTE_QUERY_FIELDS if name in pushed}


def sf_route_answer(numbers: Sequence[str], routes: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """SF's envelope around the route query answer for these waybills (`routes`: what SF knows, by waybill)."""
    if not 1 <= len(numbers) <= SF_MAX_NUMBERS:
        return sf_envelope(False, SF_TOO_MANY, f"trackingNumber: 1 to {SF_MAX_NUMBERS} numbers per query")
    if not any(routes.get(n) for n in numbers):
        return sf_envelope(False, SF_NONE_FOUND, "no routes found for the waybill(s)")
    responses = [{"mailNo": n, "routes": [sf_query_route(r) for r in routes.get(n, ())]} for n in numbers]
    return sf_envelope(True, "S0000", None, {"routeResps": responses})


def sf_envelope(success: bool, error_code: str, error_message: str | None,
                msg_data: dict[str, Any] | None = None) -> dict[str, Any]:
    inner = {"success": success, "errorCode": error_code, "errorMsg": error_message, "msgData": msg_data}
    return {"apiResultCode": "A1000", "apiErrorMsg": "", "apiResponseID": uuid.uuid4().hex.upper(),
            "apiResultData": json.dumps(inner, ensure_ascii=False)}


def sf_gateway_refusal(code: str, message: str) -> dict[str, Any]:
    """The gateway refusing the call itself (A1006 bad signature...): no apiResultData."""
    return {"apiResultCode": code, "apiErrorMsg": message, "apiResponseID": uuid.uuid4().hex.upper(),
            "apiResultData": None}
