"""The ground-truth records: what the simulator did to a parcel and where the parcel must end up.

One JSON object per line; `record` names its kind (`parcel`, `rejected`, `unbooked`, `unplayable`,
`placement_failed`, `malformed_push`, `poison`, `summary`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.simulator.carriers.malformed import MalformedPush
from services.simulator.domain.codes import SfCode
from services.simulator.domain.dispatch import Dispatch
from services.simulator.domain.scenario import Journey, PlannedEvent
from services.simulator.domain.truth import event_code, expected, scan_keys
from services.simulator.poison import POISON_HEADER, Poison


def parcel_record(journey: Journey, stamps: Sequence[datetime], dispatches: Sequence[Dispatch],
                  accepted: Counter, failed: Counter, adopted: bool = False, cancelled: bool = False,
                  finished: bool = True, withheld: bool = False) -> dict[str, Any]:
    """The line of one parcel. `complete` is false when some event never reached the tracking service by push;
    `withheld`: none was pushed on purpose, so only a reconciliation poll can bring the tracker to `expected`."""
    parcel = journey.parcel
    sendings = Counter(d.index for d in dispatches)
    late = {d.index for d in dispatches if d.late}
    delivered = [i for i in range(len(journey.events)) if accepted[i]]
    keys = scan_keys(journey, stamps)
    return {
        "record": "parcel",
        "shipment_id": parcel.shipment_id, "order_id": parcel.order_id, "sf_waybill": parcel.sf_waybill,
        "ups_tracking_number": parcel.ups_number, "adopted": adopted, "finished": finished, "withheld": withheld,
        "complete": finished and not cancelled and len(delivered) == len(journey.events),
        "plot": dataclasses.asdict(journey.plot),
        "expected": _expected(journey, cancelled),
        "events": [_event(journey, e, stamps[i], sendings[i], accepted[i], failed[i], i in late)
                   for i, e in enumerate(journey.events)],
        "distinct_scans": list(dict.fromkeys(keys[i].as_text() for i in delivered)),
        "sendings": len(dispatches),
    }


def malformed_record(push: MalformedPush, status: int, answer: str) -> dict[str, Any]:
    """The line of one malformed push; `refused` is true for a 4xx, the only right answer (0: unreachable)."""
    return {
        "record": "malformed_push", "push_id": push.push_id, "carrier": push.carrier, "kind": push.kind,
        "wrong": push.wrong, "number": push.number, "signed": push.signed, "body": push.body,
        "status": status, "refused": 400 <= status < 500, "answer": answer,
    }


def poison_record(poison: Poison, error: str | None) -> dict[str, Any]:
    """The line of one poison record; `produced` is false when the broker did not acknowledge it."""
    record = poison.record
    return {
        "record": "poison", "poison_id": poison.poison_id, "kind": poison.kind, "wrong": poison.wrong,
        "topic": record.topic, "key": (record.key or b"").decode(), "header": POISON_HEADER,
        "value": record.value.decode(), "produced": error is None, "error": error,
    }


def _expected(journey: Journey, cancelled: bool) -> dict[str, Any]:
    if cancelled:
        return {"end": "cancelled", "status": "cancelled", "milestone": None, "reason": None,
                "order_status": "cancelled"}
    return dataclasses.asdict(expected(journey))


def _event(journey: Journey, event: PlannedEvent, stamp: datetime, sendings: int, accepted: int, failed: int,
           late: bool) -> dict[str, Any]:
    code = event.step.code
    intent = event.step.intent
    return {
        "step": event.step.name, "carrier": event.step.carrier, "number": journey.number(event),
        "code": event_code(event), "raw_codes": _raw_codes(code),
        "sim_at": event.sim_at.isoformat(), "carrier_at": stamp.isoformat(),
        "place": f"{event.place.city}, {event.place.region} {event.place.country}".replace(" ,", ","),
        "status": intent.status, "milestone": intent.milestone, "reason": intent.reason,
        "sendings": sendings, "accepted": accepted, "failed": failed, "late": late,
    }


def _raw_codes(code: Any) -> dict[str, str]:
    if isinstance(code, SfCode):
        raw = {"opCode": code.op_code, "firstStatusCode": code.first_status,
               "secondaryStatusCode": code.secondary_status, "reasonCode": code.reason_code}
    else:
        raw = {"type": code.type, "code": code.code, "statusCode": code.status_code}
    return {name: value for name, value in raw.items() if value}
