"""SF Express route pushes and route-query answers -> canonical scans (pure).

Accepted shapes:
- route push: `{"Body": {"WaybillRoute": [{mailno, acceptTime, opCode, ...}]}}`;
- route query answer: `{"routeResps": [...]}`, `{"msgData": {"routeResps": [...]}}`, or SF's whole envelope
  `{"apiResultCode": "A1000", "apiResultData": "<JSON string with success, msgData.routeResps>"}`.
`acceptTime` carries no zone: it is China time (UTC+8), also for scans abroad.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from services.tracking.carriers.mapping import NUMBER_LIMIT, MalformedPayload, lookup, object_list, text_field
from services.tracking.carriers.sf.codes import TABLES
from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import CanonicalScan, Location, scan_id

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
CODE_FIELDS = ("opCode", "secondaryStatusCode", "firstStatusCode")  # the first present names the event
_OPTIONAL_FIELDS = ("reasonCode", "reasonName", "firstStatusName", "secondaryStatusName", "id", "orderid")


def parse(payload: Any) -> list[CanonicalScan]:
    """Every route of the payload as a canonical scan; raises MalformedPayload."""
    if isinstance(payload, dict) and "Body" in payload:
        routes = object_list(payload["Body"], "WaybillRoute", "Body")
        return [_scan(route, _number(route, "mailno", f"Body.WaybillRoute[{i}]"), f"Body.WaybillRoute[{i}]")
                for i, route in enumerate(routes)]
    scans = []
    for i, response in enumerate(object_list(_route_query(payload), "routeResps", "msgData")):
        number = _number(response, "mailNo", f"routeResps[{i}]")
        for j, route in enumerate(object_list(response, "routes", f"routeResps[{i}]")):
            scans.append(_scan(route, number, f"routeResps[{i}].routes[{j}]"))
    return scans


def _number(item: dict, name: str, where: str) -> str:
    return text_field(item, name, where, limit=NUMBER_LIMIT)


def _route_query(payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise MalformedPayload("expected a JSON object: an SF route push or route query answer")
    if "apiResultCode" in payload:
        if payload["apiResultCode"] != "A1000":
            raise MalformedPayload(f"apiResultCode {payload['apiResultCode']!r}: the SF gateway refused the call")
        payload = _inner_result(payload.get("apiResultData"))
    if "success" in payload and payload["success"] is not True:
        raise MalformedPayload(f"the route query failed: errorCode {payload.get('errorCode')!r}")
    inner = payload.get("msgData", payload)
    if not isinstance(inner, dict) or "routeResps" not in inner:
        raise MalformedPayload("neither Body.WaybillRoute (route push) nor routeResps (route query) found")
    return inner


def _inner_result(data: Any) -> dict:
    try:
        inner = json.loads(data) if isinstance(data, str) else data
    except json.JSONDecodeError as exc:
        raise MalformedPayload("apiResultData is not a JSON string") from exc
    if not isinstance(inner, dict):
        raise MalformedPayload("apiResultData must hold a JSON object")
    return inner


def _scan(route: dict, number: str, where: str) -> CanonicalScan:
    codes = {f: text_field(route, f, where, required=False, limit=20) for f in CODE_FIELDS}
    codes = {f: c for f, c in codes.items() if c}
    if not codes:
        raise MalformedPayload(f"{where} has no opCode or status code")
    occurred_at = china_time_to_utc(text_field(route, "acceptTime", where), f"{where}.acceptTime")
    meaning, mapped_from = lookup(codes, TABLES)
    extra = {f: v for f in _OPTIONAL_FIELDS if (v := text_field(route, f, where, required=False))}
    event_code = next(codes[f] for f in CODE_FIELDS if f in codes)
    address = text_field(route, "acceptAddress", where, required=False)
    return CanonicalScan(
        scan_id=scan_id("sf_express", number, event_code, occurred_at),
        carrier="sf_express",
        carrier_number=number,
        occurred_at=occurred_at,
        status=meaning.status,
        milestone=meaning.milestone,
        leg=LEG_OF[meaning.milestone] if meaning.milestone else None,
        reason=meaning.reason,
        location=Location(description=address or None, country=None),
        raw_codes={**codes, **{k: v for k, v in extra.items() if k in ("reasonCode",)}},
        raw_text=text_field(route, "remark", where, required=False) or extra.get("secondaryStatusName", ""),
        kind=meaning.kind,
        mapped_from=mapped_from,
        raw=route,
    )


def china_time_to_utc(value: str, where: str) -> datetime:
    """`2025-06-01 14:30:00` (China time, no zone) -> UTC; an explicit offset, if any, is honoured."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedPayload(f"{where} {value!r} is not 'YYYY-MM-DD HH:MM:SS'") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CHINA_TIME)
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:  # e.g. 0001-01-01 00:00:00 China time is before the first UTC instant
        raise MalformedPayload(f"{where} {value!r} is out of range") from exc
