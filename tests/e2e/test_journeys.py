"""Issue 5 end to end: the simulator plays SF and UPS for 50+ orders; the system must match its ground truth.

The simulator also sends deliberately malformed carrier pushes (each must be refused with a 4xx and leave no
trace) and writes a few poison records onto carrier-scans.v1 (each consumer of it must dead-letter exactly those).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import requests
from kafka import KafkaConsumer, TopicPartition

from services.simulator.carriers.malformed import MARKER_TEXT, SF_MARKER_CODE, UPS_MARKER_CODE
from services.simulator.poison import KINDS as POISON_KINDS
from services.simulator.poison import POISON_HEADER
from shared.kafka.dlq import error_headers
from shared.kafka.topics import CARRIER_SCANS, TOPICS
from tests.e2e.helpers import auth, topic_records, wait_until_consumed

pytestmark = pytest.mark.e2e
ORDERS = 50
GROUPS = {"orders": ("shipments.v1", "tracking.v1"), "shipping": ("orders.v1", "tracking.v1"),
          "tracking": ("shipments.v1", "carrier-scans.v1")}
SCANS_CONSUMERS = ("tracking", "console")  # every group that reads carrier-scans.v1 dead-letters on its own
POISON_ERRORS = {"not_json": "InvalidEnvelope", "not_a_cloudevent": "InvalidEnvelope",
                 "schema_violation": "SchemaViolation", "unknown_version": "UnknownEventType"}


@pytest.fixture(scope="module")
def journeys(stack, tmp_path_factory) -> dict:
    key = stack.create_shipper("E2E Simulated Merchant")
    truth = tmp_path_factory.mktemp("simulator") / "truth.jsonl"
    stack.cli(
        "simulate", "--orders-url", stack.url("orders"), "--tracking-url", stack.url("tracking"),
        "--api-key", key, "--orders", str(ORDERS), "--rate", "10", "--speed", "200", "--seed", "20261126",
        "--truth", str(truth), "--kafka-bootstrap", stack.kafka, "--until-done", "--timeout", "300",
        "--p-unmapped", "0.1", "--p-duplicate", "0.2", "--p-out-of-order", "0.2",
        "--p-malformed", "0.05", "--poison-records", str(len(POISON_KINDS)),
    )
    for group, topics in GROUPS.items():
        for topic in topics:
            wait_until_consumed(stack, group, topic)
    wait_until_consumed(stack, "console", CARRIER_SCANS.name)
    records = [json.loads(line) for line in Path(truth).read_text().splitlines()]
    return {"key": key, "parcels": [r for r in records if r["record"] == "parcel"],
            "rejected": [r for r in records if r["record"] == "rejected"],
            "malformed": [r for r in records if r["record"] == "malformed_push"],
            "poison": [r for r in records if r["record"] == "poison"], "records": records}


def test_every_order_placed_became_a_parcel_or_a_documented_rejection(journeys):
    assert len(journeys["parcels"]) + len(journeys["rejected"]) == ORDERS
    assert all(p["finished"] and p["complete"] for p in journeys["parcels"])
    assert len(journeys["parcels"]) >= 45


def test_every_order_ends_in_the_status_the_simulator_caused(stack, journeys):
    wrong = []
    for parcel in journeys["parcels"]:
        order = requests.get(f"{stack.url('orders')}/v1/orders/{parcel['order_id']}", headers=auth(journeys["key"]),
                             timeout=10).json()
        if order["status"] != parcel["expected"]["order_status"]:
            wrong.append((parcel["order_id"], order["status"], parcel["expected"]["order_status"]))
    assert wrong == []


@pytest.mark.parametrize("number_field", ["shipment_id", "sf_waybill", "ups_tracking_number"])
def test_every_tracker_matches_the_ground_truth_by_each_number(stack, journeys, number_field):
    wrong = []
    for parcel in journeys["parcels"]:
        tracking = requests.get(f"{stack.url('tracking')}/v1/tracking/{parcel[number_field]}", timeout=10).json()
        expected = parcel["expected"]
        seen = (tracking["status"], tracking["milestone"], tracking["reason"])
        if seen != (expected["status"], expected["milestone"], expected["reason"]):
            wrong.append((parcel["shipment_id"], seen, expected))
    assert wrong == []


def test_every_timeline_is_complete_ordered_and_free_of_duplicates(stack, journeys):
    for parcel in journeys["parcels"]:
        events = requests.get(f"{stack.url('tracking')}/v1/tracking/{parcel['shipment_id']}", timeout=10).json()[
            "events"]
        times = [datetime.fromisoformat(event["occurred_at"]) for event in events]
        assert times == sorted(times, reverse=True), parcel["shipment_id"]
        # The tracker's own milestones (order created, label created) come first; the rest are carrier scans.
        own = [e["carrier_code"] for e in events if e["carrier_code"].startswith("event=")]
        scans = [e for e in events if not e["carrier_code"].startswith("event=")]
        assert sorted(own) == ["event=label_created", "event=order_created"], parcel["shipment_id"]
        assert len({(e["occurred_at"], e["carrier_code"]) for e in scans}) == len(scans), parcel["shipment_id"]
        shown = sorted(f"{e['carrier_code']} @ {e['occurred_at']}" for e in scans)
        assert len(scans) == len(parcel["distinct_scans"]), (parcel["shipment_id"], shown, parcel["distinct_scans"])


def test_every_order_has_exactly_one_shipment(stack, journeys):
    booked: dict[str, int] = {}
    for record in topic_records(stack, "shipments.v1"):
        document = json.loads(record.value)
        if document["type"].endswith("shipment.booked.v1"):
            booked[document["data"]["order_id"]] = booked.get(document["data"]["order_id"], 0) + 1
    for parcel in journeys["parcels"]:
        assert booked.get(parcel["order_id"]) == 1, parcel["order_id"]
    for rejection in journeys["rejected"]:
        assert rejection["order_id"] not in booked


def test_every_malformed_push_was_refused_with_a_4xx(journeys):
    assert journeys["malformed"]  # about 1 in 20 of some 190 carrier requests (how many depends on timing)
    wrong = [(p["carrier"], p["kind"], p["status"], p["answer"]) for p in journeys["malformed"]
             if not 400 <= p["status"] < 500]
    assert wrong == []


def test_no_malformed_push_appears_in_any_tracker(stack, journeys):
    markers = (f"opCode={SF_MARKER_CODE}", f"code={UPS_MARKER_CODE}")
    found = []
    for parcel in journeys["parcels"]:
        events = requests.get(f"{stack.url('tracking')}/v1/tracking/{parcel['shipment_id']}", timeout=10).json()[
            "events"]
        found += [(parcel["shipment_id"], e["carrier_code"], e["description"]) for e in events
                  if any(m in e["carrier_code"] for m in markers) or MARKER_TEXT in e["description"]]
    assert found == []


def test_the_scans_dlq_holds_exactly_the_poison_records_once_per_consumer_group(stack, journeys):
    poisons = {p["poison_id"]: p for p in journeys["poison"]}
    assert len(poisons) == len(POISON_KINDS) and all(p["produced"] for p in poisons.values())
    seen: dict[str, list[str]] = {}
    for record in topic_records(stack, CARRIER_SCANS.dlq):
        reason = error_headers(record.headers)
        poison = poisons.get(dict(record.headers).get(POISON_HEADER, b"").decode())
        assert poison is not None, (reason, record.value[:300])
        assert (record.key.decode(), record.value.decode()) == (poison["key"], poison["value"])
        assert reason["x-original-topic"] == CARRIER_SCANS.name and reason["x-error-message"]
        assert reason["x-error-class"] == POISON_ERRORS[poison["kind"]], (poison["kind"], reason)
        seen.setdefault(reason["x-consumer-group"], []).append(poison["poison_id"])
    assert {group: sorted(ids) for group, ids in seen.items()} == {group: sorted(poisons) for group in SCANS_CONSUMERS}


def test_no_other_dead_letters_and_no_lag_remain(stack, journeys):
    consumer = KafkaConsumer(bootstrap_servers=[stack.kafka])
    try:
        dlqs = [TopicPartition(topic.dlq, 0) for topic in TOPICS if topic != CARRIER_SCANS]
        assert {tp.topic: end for tp, end in consumer.end_offsets(dlqs).items() if end} == {}
    finally:
        consumer.close()
    for group, topics in GROUPS.items():
        for topic in topics:
            wait_until_consumed(stack, group, topic, timeout=5)
