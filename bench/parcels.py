"""Booked parcels for the scan pipeline: clones of one real booking, published as `shipment.booked`.

One order goes through the real API and gets booked; its `shipment.booked` event is the template. Each clone
gets fresh, valid numbers from the shipping service's own generators, so ingest recognises them exactly as it
would real ones. The orders service dead-letters the clones (it never saw their orders): expected, harmless
on this throwaway stack.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from kafka import KafkaConsumer, TopicPartition

from bench.lag import LagProbe
from bench.orders_api import place, wait_decided
from bench.stack import Bench
from services.shipping.domain.numbers import new_sf_waybill, new_shipment_id, new_ups_number
from shared.events.envelope import new_event
from shared.events.schemas.shipments import ShipmentBooked
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.kafka.topics import SHIPMENTS

SOURCE = "/parcelbridge/shipping"
TRACKING_GROUP = "tracking"
PUBLISH_CHUNK = 500
# Clones carry 1Z numbers of their own shipper account: the shipping service numbers under the joint venture's
# account and checks uniqueness only against its own store, so a shared account could hand a real order a
# 1Z number a clone already holds (7 random digits: likely over a full run), and tracking would refuse it.
CLONE_UPS_ACCOUNT = "PBBNCH"


def template_booking(bench: Bench) -> dict[str, Any]:
    """The `shipment.booked` data of one order placed through the API."""
    session = requests.Session()
    response = place(session, bench.url("orders"), bench.api_key)
    response.raise_for_status()
    order = wait_decided(session, bench.url("orders"), bench.api_key, response.json()["id"])
    shipment_id = order["booking"]["shipment_id"]
    return _booked_event(bench, shipment_id)["data"]


def _booked_event(bench: Bench, shipment_id: str) -> dict[str, Any]:
    consumer = KafkaConsumer(bootstrap_servers=list(bench.kafka.bootstrap_servers), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(SHIPMENTS.name, p) for p in consumer.partitions_for_topic(SHIPMENTS.name)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    event = json.loads(record.value)
                    if event["subject"] == shipment_id and event["type"].endswith("shipment.booked.v1"):
                        return event
    finally:
        consumer.close()
    raise LookupError(f"no shipment.booked for {shipment_id} on {SHIPMENTS.name}")


def clones(template: dict[str, Any], count: int) -> list[ShipmentBooked]:
    """`count` copies of the template booking, each with fresh valid numbers (none used twice)."""
    found: list[ShipmentBooked] = []
    taken: set[str] = set()
    while len(found) < count:
        booking = _clone(template)
        numbers = {booking.shipment_id, booking.sf_waybill, booking.ups_tracking_number}
        if not numbers & taken:
            taken |= numbers
            found.append(booking)
    return found


def _clone(template: dict[str, Any]) -> ShipmentBooked:
    return ShipmentBooked.model_validate({
        **template,
        "shipment_id": new_shipment_id(secrets.randbelow),
        "order_id": f"ord_bench_{uuid.uuid4().hex[:20]}",
        "sf_waybill": new_sf_waybill(secrets.randbelow),
        "ups_tracking_number": new_ups_number(secrets.randbelow, "standard", CLONE_UPS_ACCOUNT),
    })


def book(bench: Bench, bookings: list[ShipmentBooked], advance: Callable[[int], None]) -> float:
    """Publish the bookings, wait until the tracking consumer applied them; returns trackers created per s."""
    producer = EventProducer(make_kafka_producer(bench.kafka))
    probe = LagProbe(bench.kafka, TRACKING_GROUP, SHIPMENTS.name)
    began = time.perf_counter()
    try:
        for start in range(0, len(bookings), PUBLISH_CHUNK):
            chunk = bookings[start:start + PUBLISH_CHUNK]
            producer.publish([_event(b) for b in chunk])
        ends = probe.ends()
        backlog = probe.lag(ends)
        finished = probe.wait_caught_up(ends, timeout_s=600, on_lag=lambda lag: advance(backlog - lag))
    finally:
        probe.close()
    _check_trackers(bench, bookings)
    return len(bookings) / (finished - began)


def _event(booking: ShipmentBooked):
    return new_event("shipment.booked", booking.shipment_id, booking.model_dump(mode="json"), source=SOURCE)


def _check_trackers(bench: Bench, bookings: list[ShipmentBooked], sample: int = 50) -> None:
    trackers = bench.tracking_db()["trackers"]
    missing = [b.shipment_id for b in bookings[:: max(1, len(bookings) // sample)]
               if trackers.find_one({"_id": b.shipment_id}, {"_id": 1}) is None]
    if missing:
        raise RuntimeError(f"trackers missing after the consumer caught up: {missing[:5]}")
