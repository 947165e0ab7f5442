"""Poison records for `carrier-scans.v1`, as a misbehaving upstream producer would write them (pure).

No carrier can reach a topic; these exist so that operators see the dead-letter path work end to end: every
consumer of the topic must dead-letter each one, unchanged, with a reason, and move on. Each carries its id in
the POISON_HEADER header (a dead letter keeps the record's own headers) and in its value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.events.catalog import full_type
from shared.events.envelope import CONTENT_TYPE, CloudEvent
from shared.kafka.producer import OutgoingRecord, record_for
from shared.kafka.topics import CARRIER_SCANS

POISON_HEADER = "x-simulator-poison-id"
SOURCE = "/parcelbridge/simulator"
KINDS: dict[str, str] = {  # kind -> what is wrong with it; produced in this order, round and round
    "not_json": "the value is a line of text, not JSON",
    "not_a_cloudevent": "the value is a JSON object without the CloudEvent attributes",
    "schema_violation": "a scan.recorded CloudEvent whose data fails the schema (scan_id, carrier, status)",
    "unknown_version": "a scan.recorded CloudEvent of version 99, which nobody serves",
}


@dataclass(frozen=True)
class Poison:
    poison_id: str
    kind: str
    wrong: str
    record: OutgoingRecord


def kind_for(index: int) -> str:
    """The kind of the `index`-th poison record of a run (0-based): each kind in turn."""
    kinds = list(KINDS)
    return kinds[index % len(kinds)]


def poison(kind: str, poison_id: str, shipment_id: str, now: datetime) -> Poison:
    """A record keyed by a real shipment (so it lands among that parcel's scans), broken as `kind` says."""
    if kind in ("not_json", "not_a_cloudevent"):
        record = OutgoingRecord(CARRIER_SCANS.name, shipment_id.encode(), _value(kind, poison_id, shipment_id),
                                [("content-type", CONTENT_TYPE.encode())])
    else:
        record = record_for(_event(kind, poison_id, shipment_id, now))
    marked = OutgoingRecord(record.topic, record.key, record.value,
                            [*record.headers, (POISON_HEADER, poison_id.encode())])
    return Poison(poison_id, kind, KINDS[kind], marked)


def _value(kind: str, poison_id: str, shipment_id: str) -> bytes:
    if kind == "not_json":
        return f"poison {poison_id}: parcel {shipment_id} delivered".encode()
    return json.dumps({"poison_id": poison_id, "shipment_id": shipment_id, "status": "delivered"}).encode()


def _event(kind: str, poison_id: str, shipment_id: str, now: datetime) -> CloudEvent:
    # Built as a model: new_event would refuse the broken data, which is the whole point here.
    event_type = full_type("scan.recorded")
    data: dict[str, Any] = {"raw_text": f"poison {poison_id}"}
    if kind == "unknown_version":
        event_type = event_type.rsplit(".v", 1)[0] + ".v99"
    else:
        data |= {"scan_id": "not-a-scan-id", "shipment_id": shipment_id, "carrier": "carrier_pigeon",
                 "status": "teleported"}
    return CloudEvent(specversion="1.0", id=poison_id, source=SOURCE, type=event_type, subject=shipment_id,
                      time=now, data=data)
