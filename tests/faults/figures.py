"""The figures a fault run is judged by, read from the settled stack, the simulator's truth and the receiver."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests
from kafka import KafkaConsumer, TopicPartition

from shared.kafka.topics import CARRIER_SCANS, TOPICS
from tests.common.journeys import (
    NUMBER_FIELDS,
    SCANS_CONSUMERS,
    poison_dead_letters,
    read_truth,
    shipment_decisions,
    status_mismatch,
    timeline_problems,
    tracker,
)
from tests.common.stack_reads import Stack, auth
from tests.faults.traffic import Received

EXAMPLES = 5  # problems kept in the report per figure, to show what went wrong


def all_orders(stack: Stack, key: str) -> dict[str, dict[str, Any]]:
    """Every order of the shipper, as the orders API shows it, by id."""
    found: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = requests.get(f"{stack.url('orders')}/v1/orders", params=params, headers=auth(key), timeout=30).json()
        found.update({order["id"]: order for order in page["data"]})
        if not page["next_cursor"]:
            return found
        params["cursor"] = page["next_cursor"]


def booked_shipments(orders: dict[str, dict[str, Any]], accepted: list[str]) -> dict[str, str | None]:
    """For each accepted order not refused: its shipment id, None while it has none yet."""
    shipments: dict[str, str | None] = {}
    for order_id in accepted:
        order = orders.get(order_id, {})
        if order.get("status") != "rejected":
            shipments[order_id] = (order.get("booking") or {}).get("shipment_id")
    return shipments


def settled_shipments(truth: Path) -> set[str]:
    """Shipments the simulator is done with: played to their end, or found unplayable."""
    if not truth.exists():
        return set()
    found = read_truth(truth)
    finished = {r["shipment_id"] for r in found.parcels if r["finished"]}
    return finished | {r["shipment_id"] for r in found.of("unplayable")}


def order_figures(stack: Stack, orders: dict[str, dict[str, Any]], accepted: list[str]) -> dict[str, Any]:
    """Every order answered 201: decided (booked or refused with a reason) exactly once?"""
    decisions = shipment_decisions(stack)
    booked = refused = 0
    undecided, twice, no_reason = [], [], []
    redelivered = 0
    for order_id in accepted:
        order = orders.get(order_id, {})
        events = decisions.get(order_id, [])
        ids = {event["id"] for event in events}
        shipments = {event["data"].get("shipment_id") for event in events}
        redelivered += len(events) - len(ids)
        if not events or order.get("status") in (None, "placed"):
            undecided.append(f"{order_id}: {order.get('status')}, {len(events)} decisions")
        elif len(ids) > 1 or len(shipments) > 1:
            twice.append(f"{order_id}: {len(ids)} decisions, shipments {sorted(map(str, shipments))}")
        elif order["status"] == "rejected":
            refused += 1
            if not (order.get("rejection") or {}).get("reason"):
                no_reason.append(order_id)
        else:
            booked += 1
    return {"answered_201": len(accepted), "booked": booked, "refused_with_reason": refused - len(no_reason),
            "refused_without_reason": len(no_reason), "undecided": len(undecided), "decided_twice": len(twice),
            "decision_records_redelivered": redelivered, "examples": (undecided + twice + no_reason)[:EXAMPLES]}


def parcel_figures(stack: Stack, key: str, orders: dict[str, dict[str, Any]], accepted: list[str]) -> dict[str, Any]:
    """One shipment per booked order, one tracker per shipment, reachable by each of its three numbers."""
    checked, wrong = 0, []
    for order_id, shipment_id in booked_shipments(orders, accepted).items():
        if shipment_id is None:
            continue  # counted as undecided by the order figures
        checked += 1
        booking = orders[order_id]["booking"]
        shipment = requests.get(f"{stack.url('shipping')}/v1/shipments/{shipment_id}", headers=auth(key), timeout=10)
        if shipment.status_code != 200 or shipment.json().get("order_id") != order_id:
            wrong.append(f"{order_id}: shipment {shipment_id} answered {shipment.status_code}")
        seen = {field: tracker(stack, booking[field]).get("numbers", {}).get("shipment_id") for field in NUMBER_FIELDS}
        if set(seen.values()) != {shipment_id}:
            wrong.append(f"{order_id}: trackers by number {seen}")
    return {"booked_orders_checked": checked, "wrong": len(wrong), "examples": wrong[:EXAMPLES]}


def timeline_figures(stack: Stack, truth: Path, booked: set[str]) -> dict[str, Any]:
    """Each of our finished parcels' timeline against the simulator's truth; its status when all scans landed."""
    parcels = [p for p in read_truth(truth).parcels if p["shipment_id"] in booked and p["finished"]]
    problems, mismatched = [], []
    for parcel in parcels:
        tracking = tracker(stack, parcel["shipment_id"])
        problems += timeline_problems(tracking, parcel)
        mismatch = status_mismatch(tracking, parcel) if parcel["complete"] else None
        if mismatch:
            mismatched.append(str(mismatch))
    # A scan the tracking service refused (during an outage) is no scan: the truth keeps only accepted ones,
    # but the parcel's end status then cannot be expected, so `incomplete` ones are not compared on status.
    unplayable = {r["shipment_id"] for r in read_truth(truth).of("unplayable")} & booked
    return {"parcels": len(parcels), "unplayable": len(unplayable),
            "not_finished_by_simulator": len(booked) - len(parcels) - len(unplayable),
            "incomplete_after_refused_pushes": sum(1 for p in parcels if not p["complete"]),
            "timeline_problems": len(problems), "status_mismatches": len(mismatched),
            "examples": (problems + mismatched)[:EXAMPLES]}


def webhook_figures(received: list[Received]) -> dict[str, Any]:
    """No status change delivered under two ids; a repeat of the same id is the documented at-least-once."""
    ids_by_change: dict[str, set[str]] = defaultdict(set)
    wrong_ids = 0
    for delivery in received:
        data = delivery.body["data"]
        # Two scans of one second can move a parcel twice within a status (a hand-over seen by both
        # carriers): the change is the state it reached, so its milestone, leg and carrier belong to it.
        change = json.dumps([data["order_id"], data["previous_status"], data["status"], data["milestone"],
                             data["leg"], data["carrier"], delivery.body["occurred_at"]])
        ids_by_change[change].add(delivery.webhook_id)
        wrong_ids += delivery.webhook_id != delivery.body["id"]
    twice = [f"{change}: {sorted(ids)}" for change, ids in ids_by_change.items() if len(ids) > 1]
    distinct = len({d.webhook_id for d in received})
    return {"deliveries": len(received), "distinct_ids": distinct, "same_id_repeated": len(received) - distinct,
            "changes_under_two_ids": len(twice), "id_header_differs_from_body": wrong_ids, "examples": twice[:EXAMPLES]}


def dead_letter_figures(stack: Stack, truth: Path) -> dict[str, Any]:
    """The scans DLQ holds each acknowledged poison record once per consumer group; every other DLQ is empty."""
    poisons = [p for p in read_truth(truth).of("poison") if p["produced"]]
    seen, problems = poison_dead_letters(stack, poisons)
    expected = {group: sorted(p["poison_id"] for p in poisons) for group in SCANS_CONSUMERS}
    consumer = KafkaConsumer(bootstrap_servers=[stack.kafka])
    try:
        others = [TopicPartition(topic.dlq, p) for topic in TOPICS if topic != CARRIER_SCANS
                  for p in consumer.partitions_for_topic(topic.dlq) or ()]
        elsewhere = sum(consumer.end_offsets(others).values()) if others else 0
    finally:
        consumer.close()
    return {"poison_produced": len(poisons), "expected_dead_letters": sum(len(ids) for ids in expected.values()),
            "dead_letters": sum(len(ids) for ids in seen.values()),
            "as_expected": {group: sorted(ids) for group, ids in seen.items()} == expected,
            "other_dlq_records": elsewhere, "examples": problems[:EXAMPLES]}
