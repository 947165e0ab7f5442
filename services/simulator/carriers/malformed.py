"""Deliberately malformed carrier pushes: a carrier release with a bug, or a sender that is not the carrier.

Each is built from a real event of a real parcel, with its code replaced by a marker nobody maps and its text
naming the push. The tracking service must refuse every one with a 4xx and record nothing; were one ever
accepted, it would show on that parcel's timeline (an `unknown` event with the marker code) and be easy to find.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from services.simulator.carriers import sf

Carrier = Literal["sf", "ups"]
SF_MARKER_CODE = "MALFORMED"  # an opCode (SF allows any text of up to 20 characters)
UPS_MARKER_CODE = "ZM"  # an activity code, under type I (UPS codes have at most 4 characters)
MARKER_TEXT = "parcelbridge-simulator malformed push"
# Whatever SF's status fields say wins over the opCode, so a marked route must not keep them.
_SF_STATUS_FIELDS = ("firstStatusCode", "firstStatusName", "secondaryStatusCode", "secondaryStatusName",
                     "reasonCode", "reasonName")


@dataclass(frozen=True)
class Breakage:
    """What is wrong with a push: its one route or alert changed, its text cut short, or signed wrongly."""

    wrong: str
    change: Callable[[dict[str, Any]], dict[str, Any]] = lambda item: item
    cut: bool = False
    signed: bool = True  # False: signed with another SF check word, or a UPS credential that is not ours


@dataclass(frozen=True)
class MalformedPush:
    push_id: str
    carrier: Carrier
    kind: str
    wrong: str
    number: str  # the parcel the push was built from
    body: str  # the exact text sent
    signed: bool


def _without(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda item: {key: value for key, value in item.items() if key != name}


def _with(name: str, value: Callable[[Any], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda item: item | {name: value(item[name])}


def _iso_date(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


BREAKAGES: dict[Carrier, dict[str, Breakage]] = {
    "sf": {
        "not_json": Breakage("the body is cut off halfway, so it is not JSON", cut=True),
        "missing_accept_time": Breakage("the route has no acceptTime", _without("acceptTime")),
        "number_too_long": Breakage("mailno is the waybill three times over (45 characters)",
                                    _with("mailno", lambda number: number * 3)),
        "bad_digest": Breakage("msgDigest is signed with another check word", signed=False),
    },
    "ups": {
        "missing_time": Breakage("the alert has no gmtActivityTime", _without("gmtActivityTime")),
        "blank_number": Breakage("trackingNumber is blank", _with("trackingNumber", lambda _number: "   ")),
        "iso_date": Breakage("gmtActivityDate is YYYY-MM-DD, not YYYYMMDD", _with("gmtActivityDate", _iso_date)),
        "wrong_credential": Breakage("the credential header is not the one the subscription set", signed=False),
    },
}


def kind_for(carrier: Carrier, index: int) -> str:
    """The kind of a carrier's `index`-th malformed push (0-based): each kind in turn, so a few cover them all."""
    kinds = list(BREAKAGES[carrier])
    return kinds[index % len(kinds)]


def sf_push(route: dict[str, Any], kind: str, push_id: str) -> MalformedPush:
    """A route push of one marked copy of `route` (a real route entry), broken as `kind` says."""
    marked = {key: value for key, value in route.items() if key not in _SF_STATUS_FIELDS} | {
        "id": sf.route_id(route["mailno"], SF_MARKER_CODE, route["acceptTime"]),
        "opCode": SF_MARKER_CODE, "remark": marker_text(push_id),
    }
    breakage = BREAKAGES["sf"][kind]
    body = sf.encode_body(sf.route_push([breakage.change(marked)]))
    return _push(push_id, "sf", kind, route["mailno"], body)


def ups_push(alert: dict[str, Any], kind: str, push_id: str) -> MalformedPush:
    """A Track Alert of one marked copy of `alert` (a real event message), broken as `kind` says."""
    marked = alert | {
        "activityStatus": {"type": "I", "code": UPS_MARKER_CODE, "description": marker_text(push_id)},
        "scheduledDeliveryDate": "", "actualDeliveryDate": "", "actualDeliveryTime": "",
    }
    breakage = BREAKAGES["ups"][kind]
    body = json.dumps([breakage.change(marked)], ensure_ascii=False, separators=(",", ":"))
    return _push(push_id, "ups", kind, alert["trackingNumber"], body)


def marker_text(push_id: str) -> str:
    return f"{MARKER_TEXT} {push_id}"


def secret_for(push: MalformedPush, secret: str) -> str:
    """The check word or credential to send the push with: ours, or one that cannot be ours."""
    return secret if push.signed else f"{secret[::-1]}-not-ours"


def _push(push_id: str, carrier: Carrier, kind: str, number: str, body: str) -> MalformedPush:
    breakage = BREAKAGES[carrier][kind]
    text = body[: len(body) // 2] if breakage.cut else body
    return MalformedPush(push_id, carrier, kind, breakage.wrong, number, text, breakage.signed)
