"""The SF route query (`EXP_RECE_SEARCH_ROUTES`) the reconciliation poller sends (pure).

A form-encoded POST of `partnerID, requestID, serviceCode, timestamp, msgDigest, msgData`, signed like a route
push (`auth.digest` over msgData). msgData asks by waybill (`trackingType` 1) for every route (`methodType` 1),
at most 10 numbers (SF answers 8003 to more). The answer envelope is what `parse.parse` reads, the same parser
the push endpoint uses. `checkPhoneNo` (the last 4 digits of a phone, which SF asks for on waybill lookups by
parties other than the sender) is sent only when configured: we query as the sender's contracted partner.
"""

from __future__ import annotations

import json

from services.tracking.carriers.sf.auth import digest
from services.tracking.domain.reconciliation import MAX_NUMBERS_PER_CALL

SERVICE_CODE = "EXP_RECE_SEARCH_ROUTES"
RATE_LIMITED = "A1005"  # SF's gateway: too many calls, try later


def msg_data(numbers: list[str], check_phone: str = "") -> str:
    if not 1 <= len(numbers) <= MAX_NUMBERS_PER_CALL:
        raise ValueError(f"an SF route query takes 1 to {MAX_NUMBERS_PER_CALL} numbers, not {len(numbers)}")
    data = {"language": "0", "trackingType": "1", "trackingNumber": numbers, "methodType": "1"}
    if check_phone:
        data["checkPhoneNo"] = check_phone
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def route_query_form(numbers: list[str], partner_id: str, check_word: str, request_id: str, timestamp_ms: int,
                     check_phone: str = "") -> dict[str, str]:
    """The form fields of one signed route query."""
    data, timestamp = msg_data(numbers, check_phone), str(timestamp_ms)
    return {"partnerID": partner_id, "requestID": request_id, "serviceCode": SERVICE_CODE,
            "timestamp": timestamp, "msgDigest": digest(data, timestamp, check_word), "msgData": data}


def rate_limited(answer: object) -> bool:
    return isinstance(answer, dict) and answer.get("apiResultCode") == RATE_LIMITED
