"""A running stack against the carrier simulator's ground truth: the checks the e2e and fault tiers share.

Each check returns what is wrong (an empty list when all is well), so one tier can assert on it and another
can count it into a report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from services.simulator.poison import POISON_HEADER
from shared.kafka.dlq import error_headers
from shared.kafka.topics import CARRIER_SCANS
from tests.common.stack_reads import Stack, topic_records

NUMBER_FIELDS = ("shipment_id", "sf_waybill", "ups_tracking_number")
SCANS_CONSUMERS = ("tracking", "console")  # every group that reads carrier-scans.v1 dead-letters on its own
POISON_ERRORS = {"not_json": "InvalidEnvelope", "not_a_cloudevent": "InvalidEnvelope",
                 "schema_violation": "SchemaViolation", "unknown_version": "UnknownEventType"}


@dataclass(frozen=True)
class Truth:
    """The simulator's truth file, by record kind."""

    records: list[dict[str, Any]]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["record"] == kind]

    @property
    def parcels(self) -> list[dict[str, Any]]:
        return self.of("parcel")


def read_truth(path: Path) -> Truth:
    return Truth([json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()])


def tracker(stack: Stack, number: str) -> dict[str, Any]:
    """The public tracking answer for one of a parcel's numbers ({} when it is not found)."""
    response = requests.get(f"{stack.url('tracking')}/v1/tracking/{number}", timeout=10)
    return response.json() if response.status_code == 200 else {}


def status_mismatch(tracking: dict[str, Any], parcel: dict[str, Any]) -> tuple | None:
    """(shipment, seen, expected) when the tracker's status, milestone or reason differ from the truth."""
    expected = parcel["expected"]
    seen = (tracking.get("status"), tracking.get("milestone"), tracking.get("reason"))
    if seen == (expected["status"], expected["milestone"], expected["reason"]):
        return None
    return parcel["shipment_id"], seen, expected


def timeline_problems(tracking: dict[str, Any], parcel: dict[str, Any]) -> list[str]:
    """What is wrong with one tracker's timeline: order, its own milestones, duplicates, scans accepted."""
    shipment = parcel["shipment_id"]
    if not tracking:
        return [f"{shipment}: no tracker"]
    events = tracking["events"]
    problems = []
    times = [datetime.fromisoformat(event["occurred_at"]) for event in events]
    if times != sorted(times, reverse=True):
        problems.append(f"{shipment}: timeline not ordered by event time")
    # The tracker's own milestones (order created, label created) come first; the rest are carrier scans.
    own = sorted(e["carrier_code"] for e in events if e["carrier_code"].startswith("event="))
    if own != ["event=label_created", "event=order_created"]:
        problems.append(f"{shipment}: own milestones {own}")
    scans = [e for e in events if not e["carrier_code"].startswith("event=")]
    if len({(e["occurred_at"], e["carrier_code"]) for e in scans}) != len(scans):
        problems.append(f"{shipment}: duplicate scans in the timeline")
    if len(scans) != len(parcel["distinct_scans"]):
        shown = sorted(f"{e['carrier_code']} @ {e['occurred_at']}" for e in scans)
        problems.append(f"{shipment}: {len(scans)} scans shown {shown}, the simulator had "
                        f"{len(parcel['distinct_scans'])} accepted {parcel['distinct_scans']}")
    return problems


def poison_dead_letters(stack: Stack, poisons: list[dict[str, Any]]) -> tuple[dict[str, list[str]], list[str]]:
    """Per consumer group, the poison ids on the scans DLQ (a list: a repeat shows), and what else is wrong."""
    by_id = {p["poison_id"]: p for p in poisons}
    seen: dict[str, list[str]] = {}
    problems = []
    for record in topic_records(stack, CARRIER_SCANS.dlq):
        reason = error_headers(record.headers)
        poison = by_id.get(dict(record.headers).get(POISON_HEADER, b"").decode())
        if poison is None:
            problems.append(f"not a poison record: {reason} {record.value[:300]!r}")
            continue
        if (record.key.decode(), record.value.decode()) != (poison["key"], poison["value"]):
            problems.append(f"poison {poison['poison_id']} changed on its way to the DLQ")
        if reason["x-original-topic"] != CARRIER_SCANS.name or not reason["x-error-message"]:
            problems.append(f"poison {poison['poison_id']}: reason headers {reason}")
        if reason["x-error-class"] != POISON_ERRORS[poison["kind"]]:
            problems.append(f"poison {poison['poison_id']} ({poison['kind']}): error class {reason}")
        seen.setdefault(reason["x-consumer-group"], []).append(poison["poison_id"])
    return seen, problems


def shipment_decisions(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    """Per order id, every shipment.booked and shipment.booking_failed record on shipments.v1, repeats kept."""
    found: dict[str, list[dict[str, Any]]] = {}
    for record in topic_records(stack, "shipments.v1"):
        event = json.loads(record.value)
        if event["type"].endswith((".shipment.booked.v1", ".shipment.booking_failed.v1")):
            found.setdefault(event["data"]["order_id"], []).append(event)
    return found
