"""SF Express route pushes and route-query answers -> canonical scans, route by route (pure).

Accepted shapes:
- route push: `{"Body": {"WaybillRoute": [{mailno, acceptTime, opCode, ...}]}}`;
- route query answer: `{"routeResps": [...]}`, `{"msgData": {"routeResps": [...]}}`, or SF's whole envelope
  `{"apiResultCode": "A1000", "apiResultData": "<JSON string with success, msgData.routeResps>"}`.
A gateway refusal (`apiResultCode` other than A1000) or a failed query (`success` false with an `errorCode`)
yields no scans and SF's code and message. A malformed route is refused on its own (see `Parsed.refusals`).
`acceptTime` carries no zone: it is China time (UTC+8), also for scans abroad.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.tracking.carriers.mapping import NUMBER_LIMIT, MalformedPayload, lookup, object_list, text_field
from services.tracking.carriers.refusals import CarrierNote, Parsed, Refusal
from services.tracking.carriers.sf.codes import TABLES
from services.tracking.carriers.sf.holds import export_hold
from services.tracking.domain.rules import LEG_OF
from services.tracking.domain.scan import CanonicalScan, Location, scan_id

CHINA_ZONE = "Asia/Shanghai"
CHINA_TIME = ZoneInfo(CHINA_ZONE)
CODE_FIELDS = ("opCode", "secondaryStatusCode", "firstStatusCode")  # the first present names the event
_OPTIONAL_FIELDS = ("reasonCode", "reasonName", "firstStatusName", "secondaryStatusName", "id", "orderid")


def parse(payload: Any) -> Parsed:
    """Every route of the payload as a canonical scan, the malformed ones refused; raises MalformedPayload."""
    if isinstance(payload, dict) and "Body" in payload:
        routes = object_list(payload["Body"], "WaybillRoute", "Body", single=True)
        return _routes([(route, "mailno", f"Body.WaybillRoute[{i}]") for i, route in enumerate(routes)], {})
    inner = _route_query(payload)
    if isinstance(inner, CarrierNote):
        return Parsed(errors=[inner])
    items, numbers = [], {}
    for i, response in enumerate(object_list(inner, "routeResps", "msgData", single=True)):
        for j, route in enumerate(object_list(response, "routes", f"routeResps[{i}]", single=True)):
            items.append((route, "mailNo", f"routeResps[{i}].routes[{j}]"))
            numbers[f"routeResps[{i}].routes[{j}]"] = (response, f"routeResps[{i}]")
    return _routes(items, numbers)


def _routes(items: list[tuple[dict, str, str]], numbers: dict[str, tuple[dict, str]]) -> Parsed:
    """Each route parsed on its own; a route query's number sits on its response, a push's on the route."""
    parsed = Parsed()
    for route, field, where in items:
        holder, holder_where = numbers.get(where, (route, where))
        try:
            parsed.scans.append(_scan(route, _number(holder, field, holder_where), where))
        except MalformedPayload as exc:
            parsed.refusals.append(Refusal(where, exc.reason, str(exc)))
    return parsed


def _number(item: dict, name: str, where: str) -> str:
    number = text_field(item, name, where, limit=NUMBER_LIMIT)
    if "*" in number:
        raise MalformedPayload(f"{where}.{name} {number!r} is masked", "masked_number")
    return number


def _route_query(payload: Any) -> dict | CarrierNote:
    """The object holding `routeResps`, or SF's own error when the gateway or the query failed."""
    if not isinstance(payload, dict):
        raise MalformedPayload("expected a JSON object: an SF route push or route query answer")
    if "apiResultCode" in payload:
        if payload["apiResultCode"] != "A1000":
            return CarrierNote(str(payload["apiResultCode"])[:20], str(payload.get("apiErrorMsg") or "")[:300])
        payload = _inner_result(payload.get("apiResultData"))
    if "success" in payload and payload["success"] is not True:
        return CarrierNote(str(payload.get("errorCode") or "")[:20], str(payload.get("errorMsg") or "")[:300])
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
        raise MalformedPayload(f"{where} has no opCode or status code", "no_code")
    accepted = text_field(route, "acceptTime", where)
    occurred_at = china_time_to_utc(accepted, f"{where}.acceptTime")
    meaning, mapped_from = lookup(codes, TABLES)
    extra = {f: v for f in _OPTIONAL_FIELDS if (v := text_field(route, f, where, required=False))}
    if hold := export_hold(codes, extra.get("reasonCode", ""), extra.get("reasonName", "")):
        meaning, mapped_from = hold, "opCode+reason"
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
        by_leg=meaning.by_leg,
        local_time=accepted,
        time_zone=CHINA_ZONE,
        time_basis="china_time",
    )


def china_time_to_utc(value: str, where: str) -> datetime:
    """`2025-06-01 14:30:00` (China time, no zone) -> UTC; an explicit offset, if any, is honoured."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedPayload(f"{where} {value!r} is not 'YYYY-MM-DD HH:MM:SS'", "bad_time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CHINA_TIME)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError) as exc:  # e.g. 0001-01-01 00:00:00 China time is before the first UTC instant
        raise MalformedPayload(f"{where} {value!r} is out of range", "bad_time") from exc
