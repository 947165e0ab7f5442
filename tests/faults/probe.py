"""Has the pipeline moved again? A probe order booked end to end, a webhook delivered, the console caught up."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import requests
from kafka.errors import KafkaError

from shared.kafka.topics import SHIPMENTS
from tests.common.stack_reads import Stack, auth, order_body, wait_until_consumed
from tests.faults.traffic import WebhookReceiver


@dataclass(frozen=True)
class ProbeResult:
    order_id: str | None
    reached: str  # the last stage passed: "nothing", "placed", "booked", "tracked", "delivered", "moving"
    moving_at: float | None  # monotonic time every stage had passed; None if it did not within the timeout
    stages: dict[str, float] = field(default_factory=dict)  # stage -> seconds from the probe's start


def probe(stack: Stack, key: str, receiver: WebhookReceiver, since: float, timeout: float) -> ProbeResult:
    """Place one order and follow it until every stage passed, or the timeout; webhooks count from `since`."""
    began = time.monotonic()
    deadline = began + timeout
    stages: dict[str, float] = {}

    def passed(stage: str, found):
        if found:
            stages[stage] = round(time.monotonic() - began, 2)
        return found

    order_id = passed("placed", _place(stack, key, deadline))
    shipment_id = order_id and passed("booked", _until(deadline, lambda: _booked_shipment(stack, key, order_id)))
    tracked = shipment_id and passed("tracked", _until(deadline, lambda: _tracked(stack, shipment_id)))
    delivered = tracked and passed("delivered", _until(deadline, lambda: receiver.received_since(since) > 0))
    moving = delivered and passed("moving", _console_caught_up(stack, deadline))
    reached = list(stages)[-1] if stages else "nothing"
    return ProbeResult(order_id, reached, time.monotonic() if moving else None, stages)


def _console_caught_up(stack: Stack, deadline: float) -> bool:
    """The console's read model is the last consumer of the booking."""
    while time.monotonic() < deadline:
        try:
            wait_until_consumed(stack, "console", SHIPMENTS.name, timeout=max(0.0, deadline - time.monotonic()))
            return True
        except KafkaError:  # the broker is not back yet: ask again
            time.sleep(1.0)
        except AssertionError:
            return False
    return False


def _until(deadline: float, check, interval: float = 0.25):
    while time.monotonic() < deadline:
        try:
            found = check()
        except requests.RequestException:
            found = None
        if found:
            return found
        time.sleep(interval)
    return None


def _place(stack: Stack, key: str, deadline: float) -> str | None:
    body = order_body(shipper_reference=f"PROBE-{uuid.uuid4().hex[:10]}")
    headers = {**auth(key), "Idempotency-Key": f"probe-{uuid.uuid4().hex}"}

    def attempt() -> str | None:
        response = requests.post(f"{stack.url('orders')}/v1/orders", json=body, headers=headers, timeout=5)
        return response.json()["id"] if response.status_code == 201 else None

    return _until(deadline, attempt, interval=1.0)


def _booked_shipment(stack: Stack, key: str, order_id: str) -> str | None:
    response = requests.get(f"{stack.url('orders')}/v1/orders/{order_id}", headers=auth(key), timeout=5)
    order = response.json() if response.status_code == 200 else {}
    # Not `status == "booked"`: the simulator plays every booked parcel, so it may already be on its way.
    return (order.get("booking") or {}).get("shipment_id")


def _tracked(stack: Stack, shipment_id: str) -> bool:
    return requests.get(f"{stack.url('tracking')}/v1/tracking/{shipment_id}", timeout=5).status_code == 200
