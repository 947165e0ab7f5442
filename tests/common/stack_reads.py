"""Driving a running isolated stack the way a shipper would, and reading its topics without a group."""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from ops.infra.isolated import IsolatedStack as Stack
from services.orders.openapi import EXAMPLE_ORDER


def order_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(EXAMPLE_ORDER)
    body["shipper_reference"] = f"E2E-{uuid.uuid4().hex[:10]}"
    body.update(changes)
    return body


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def wait_for(probe: Callable[[], Any], timeout: float = 60.0, interval: float = 0.2) -> Any:
    """Call `probe` until it returns something truthy; fail with its last answer."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout}s; last answer: {last!r}")


def order_with_status(stack: Stack, key: str, order_id: str, *statuses: str) -> dict[str, Any]:
    def probe():
        order = requests.get(f"{stack.url('orders')}/v1/orders/{order_id}", headers=auth(key), timeout=10).json()
        return order if order.get("status") in statuses else None

    return wait_for(probe)


def bootstrap_servers(stack: Stack) -> list[str]:
    return [stack.kafka]


def topic_records(stack: Stack, topic: str) -> list:
    """Every record on every partition of `topic`, read without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers(stack), enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    records: list = []
    deadline = time.monotonic() + 20
    while any(consumer.position(tp) < ends[tp] for tp in partitions) and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=200).values():
            records.extend(batch)
    consumer.close()
    return records


def wait_until_consumed(stack: Stack, group: str, topic: str, timeout: float = 180.0) -> None:
    """Wait until `group` has committed everything currently on `topic` (lag zero)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers(stack))
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers(stack))
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = consumer.end_offsets(partitions)

        def lag() -> dict[int, int]:
            committed = admin.list_group_offsets(group)[group]
            # Records produced since `ends` was read may already be committed too: never below zero.
            return {tp.partition: max(0, ends[tp] - (committed[tp].offset if tp in committed else 0))
                    for tp in partitions if ends[tp] > 0}

        try:
            wait_for(lambda: not any(lag().values()), timeout)
        except AssertionError:
            raise AssertionError(f"group {group} still lags on {topic}: {lag()}") from None
    finally:
        admin.close()
        consumer.close()
