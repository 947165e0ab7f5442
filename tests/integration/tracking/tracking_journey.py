"""A China -> US journey in the carriers' own wire formats, and helpers to post and consume it."""

from __future__ import annotations

import json
import random
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from services.tracking.carriers.sf import auth as sf_auth
from shared.numbers import iso7064_mod37_36, luhn_check_digit, ups_check_digit

CHECK_WORD, CREDENTIAL = "integration-check-word", "integration-ups-credential"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_numbers() -> tuple[str, str, str]:
    core = "PB" + "".join(secrets.choice(CROCKFORD) for _ in range(12))
    digits = "".join(secrets.choice("0123456789") for _ in range(12))
    body = "PB8J2403" + "".join(secrets.choice("0123456789") for _ in range(7))
    return core + iso7064_mod37_36(core), "SF" + digits + luhn_check_digit(digits), "1Z" + body + ups_check_digit(body)


def booked_data(shipment_id: str, sf: str, ups: str, booked_at: datetime) -> dict[str, Any]:
    def leg(name, carrier, start_h, end_h):
        return {"leg": name, "carrier": carrier, "origin": "A", "destination": "B",
                "planned_start": (booked_at + timedelta(hours=start_h)).isoformat(),
                "planned_end": (booked_at + timedelta(hours=end_h)).isoformat()}

    return {
        "shipment_id": shipment_id, "order_id": "ord_" + secrets.token_hex(10)[:20], "shipper_id": "shp_1",
        "sf_waybill": sf, "ups_tracking_number": ups, "service_level": "standard",
        "legs": [leg("first_mile", "sf_express", 0, 30), leg("export_customs", "sf_express", 30, 54),
                 leg("air_linehaul", "sf_express", 54, 84), leg("import_customs", "ups", 84, 120),
                 leg("last_mile", "ups", 120, 220)],
        "promised_delivery_date": (booked_at + timedelta(days=10)).date().isoformat(),
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "20.00", "duty_payer": "recipient"},
        "booked_at": booked_at.isoformat(),
        "destination": {"city": "Los Angeles", "state": "CA", "zip": "90001"},
    }


def sf_route(sf: str, at: datetime, op: str, remark: str) -> dict[str, Any]:
    local = at.astimezone(UTC) + timedelta(hours=8)
    return {"mailno": sf, "acceptTime": local.strftime("%Y-%m-%d %H:%M:%S"), "acceptAddress": "深圳市",
            "remark": remark, "opCode": op}


def ups_activity(at: datetime, kind: str, code: str, description: str, status_code: str | None = None) -> dict:
    status = {"type": kind, "code": code, "description": description}
    if status_code:
        status["statusCode"] = status_code
    return {"location": {"address": {"city": "Los Angeles", "stateProvince": "CA", "countryCode": "US"}},
            "status": status, "gmtDate": at.strftime("%Y%m%d"), "gmtTime": at.strftime("%H:%M:%S")}


def ups_alert(ups: str, at: datetime, kind: str, code: str, description: str) -> dict[str, Any]:
    return {"trackingNumber": ups, "gmtActivityDate": at.strftime("%Y%m%d"), "gmtActivityTime": at.strftime("%H%M%S"),
            "activityLocation": {"city": "Los Angeles", "stateProvince": "CA", "country": "US"},
            "activityStatus": {"type": kind, "code": code, "description": description}}


def journey(sf: str, ups: str, start: datetime) -> list[tuple[str, Any]]:
    """Every carrier event of the journey as (endpoint kind, one item), in the order they happened."""
    def h(hours: float) -> datetime:
        return start + timedelta(hours=hours)

    sf_events = [
        (2, "50", "顺丰速运 已收取快件"), (6, "30", "快件在【深圳集散中心】完成分拣"), (8, "36", "快件已发车"),
        (20, "31", "快件到达【深圳航空枢纽】"), (32, "605", "海关出口清关中"), (60, "105", "航班已起飞"),
    ]
    items: list[tuple[str, Any]] = [("sf_push", sf_route(sf, h(t), op, text)) for t, op, text in sf_events]
    # Export cleared comes from a route query (reconciliation poll), with SF's status fields.
    cleared = {**sf_route(sf, h(40), "", "海关已放行"), "secondaryStatusCode": "205", "firstStatusCode": "2"}
    cleared.pop("opCode")
    items.append(("sf_query", cleared))
    ups_events = [
        (86, "I", "IP", "Import Scan", None), (88, "I", "70", "Awaiting customs clearance", None),
        (92, "X", "1C", "Import charges due", None), (110, "X", "DA", "Released by clearing agency", "013"),
        (130, "I", "DS", "Destination Scan", None), (190, "I", "OT", "Out For Delivery Today", None),
        (196, "D", "FS", "Delivered", "011"),
    ]
    for t, kind, code, text, status_code in ups_events:
        if code in ("OT", "FS"):
            items.append(("ups_alert", ups_alert(ups, h(t), kind, code, text)))
        else:
            items.append(("ups_track", ups_activity(h(t), kind, code, text, status_code)))
    return items


def post_items(client, items: list[tuple[str, Any]], sf: str, ups: str) -> list[int]:
    """Post each group of same-kind items in its carrier format; returns the status codes."""
    statuses = []
    for kind in ("sf_push", "sf_query", "ups_track", "ups_alert"):
        group = [item for k, item in items if k == kind]
        if group:
            statuses.append(post(client, kind, group, sf, ups).status_code)
    return statuses


def post(client, kind: str, group: list[Any], sf: str, ups: str, **overrides):
    if kind == "sf_push":
        return post_sf(client, {"Body": {"WaybillRoute": group}}, **overrides)
    if kind == "sf_query":
        return post_sf(client, {"routeResps": [{"mailNo": sf, "routes": group}]}, **overrides)
    if kind == "ups_track":
        payload = {"trackResponse": {"shipment": [{"inquiryNumber": ups, "package": [
            {"trackingNumber": ups, "activity": list(reversed(group))}]}]}}
        return post_ups(client, payload, **overrides)
    return post_ups(client, group, **overrides)


def post_sf(client, payload: Any, check_word: str = CHECK_WORD):
    body = json.dumps(payload, ensure_ascii=False)
    stamp = str(int(time.time() * 1000))
    headers = {"timestamp": stamp, "msgDigest": sf_auth.digest(body, stamp, check_word),
               "Content-Type": "application/json"}
    return client.post("/v1/carriers/sf/route-push", data=body.encode(), headers=headers)


def post_ups(client, payload: Any, credential: str = CREDENTIAL):
    return client.post("/v1/carriers/ups/track", data=json.dumps(payload), headers={
        "credential": credential, "Content-Type": "application/json"})


def shuffled_with_duplicates(items: list, seed: int = 11) -> list[list]:
    """The items shuffled, some sent twice, split into several requests."""
    rng = random.Random(seed)
    doubled = items + rng.sample(items, k=len(items) // 3)
    rng.shuffle(doubled)
    cut = sorted(rng.sample(range(1, len(doubled)), k=3))
    return [doubled[a:b] for a, b in zip([0, *cut], [*cut, len(doubled)], strict=True)]
