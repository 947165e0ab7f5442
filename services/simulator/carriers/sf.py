"""SF Express route pushes, as SF sends them, signed with the shared check word.

`{"Body": {"WaybillRoute": [{id, mailno, orderid, acceptTime, acceptAddress, remark, opCode, ...}]}}`;
acceptTime is China time (UTC+8) without a zone. The signature travels in headers: `timestamp` (epoch
milliseconds) and `msgDigest` = Base64(MD5(URLEncode(body + timestamp + checkWord))), URLEncode being
Java's URLEncoder (UTF-8, spaces as `+`, only letters, digits and `.-*_` left as they are).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from services.simulator.domain.codes import SF_SECONDARY_NAMES, SF_STATUS_NAMES, SfCode
from services.simulator.domain.scenario import PlannedEvent

CHINA_TIME = timezone(timedelta(hours=8))
TIMESTAMP_HEADER, DIGEST_HEADER = "timestamp", "msgDigest"
SUCCESS_CODE = "0000"
_UNRESERVED = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")


def route(event: PlannedEvent, waybill: str, order_id: str, carrier_at: datetime) -> dict[str, Any]:
    """One WaybillRoute entry; `carrier_at` (aware) is printed in China time."""
    code = event.step.code
    if not isinstance(code, SfCode):
        raise TypeError(f"{event.step.name} is not an SF event")
    accept_time = carrier_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")
    entry = {
        "id": route_id(waybill, code.op_code, accept_time), "mailno": waybill, "orderid": order_id,
        "acceptTime": accept_time, "acceptAddress": event.place.sf_address, "remark": event.text,
        "opCode": code.op_code,
    }
    return entry | _status_fields(code) | _reason_fields(code)


def route_push(routes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Body": {"WaybillRoute": routes}}


def route_id(waybill: str, op_code: str, accept_time: str) -> str:
    """SF numbers its routes; ours is a stable 16-digit number, the same for a resent route."""
    digest = hashlib.sha256(f"{waybill}|{op_code}|{accept_time}".encode()).hexdigest()
    return str(int(digest[:15], 16)).zfill(16)[-16:]


def encode_body(payload: Any) -> str:
    """The body text exactly as sent (and signed): compact JSON, Chinese left as UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def java_url_encode(text: str) -> str:
    return "".join(_encode_byte(byte) for byte in text.encode("utf-8"))


def msg_digest(body: str, timestamp: str, check_word: str) -> str:
    encoded = java_url_encode(body + timestamp + check_word)
    return base64.b64encode(hashlib.md5(encoded.encode("ascii")).digest()).decode("ascii")


def signed_headers(body: str, check_word: str, now: datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp() * 1000))
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        DIGEST_HEADER: msg_digest(body, timestamp, check_word),
    }


def accepted(answer: Any) -> bool:
    """SF counts a push delivered only on return_code 0000."""
    return isinstance(answer, dict) and answer.get("return_code") == SUCCESS_CODE


def _encode_byte(byte: int) -> str:
    if byte in _UNRESERVED:
        return chr(byte)
    return "+" if byte == 0x20 else f"%{byte:02X}"


def _status_fields(code: SfCode) -> dict[str, str]:
    if not code.first_status:
        return {}
    fields = {"firstStatusCode": code.first_status, "firstStatusName": SF_STATUS_NAMES[code.first_status]}
    if code.secondary_status:
        fields |= {"secondaryStatusCode": code.secondary_status,
                   "secondaryStatusName": SF_SECONDARY_NAMES[code.secondary_status]}
    return fields


def _reason_fields(code: SfCode) -> dict[str, str]:
    if not code.reason_code:
        return {}
    return {"reasonCode": code.reason_code, "reasonName": code.reason_name or ""}
