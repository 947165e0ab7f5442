"""Store commands the orders service spends placing an order and applying a tracking event (one branch vs another).

    PYTHONPATH=<checkout> .venv/bin/parcelbridge infra run -- .venv/bin/python \
        tests/integration/orders/measure_commands.py [--orders N]

Runs the code found on PYTHONPATH (so the same script measures `main` and a branch) against the shared FerretDB
and Kafka, in a throwaway database and throwaway topics. Counts every command the driver sends to that database
(pymongo command monitoring): the API request (authentication included), the relay pass that publishes the
order if one is needed, and the consumer applying N `tracking.status_changed` with and without a webhook.
"""

from __future__ import annotations

import argparse
import copy
import inspect
import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from services.orders import handlers, worker
from services.orders.bootstrap import bootstrap, create_orders_app
from services.orders.domain.commands import CreateShipper
from services.orders.openapi import EXAMPLE_ORDER
from services.orders.webhooks.domain.model import Webhook
from shared.clock import utc_now
from shared.events.envelope import new_event
from shared.kafka.admin import admin_client
from shared.kafka.producer import EventProducer, make_kafka_producer, record_for
from shared.mongo.outbox import OutboxRelay
from tests.integration.orders.store_commands import listening  # beside this script, so it runs against any checkout

STATUSES = ("picked_up", "in_transit", "out_for_delivery", "delivered")


def _status_changed(order_id: str, status: str, minute: int):
    return new_event("tracking.status_changed", f"JV{order_id[-8:]}", {
        "shipment_id": f"JV{order_id[-8:]}", "order_id": order_id, "status": status,
        "milestone": "first_mile_picked_up", "previous_status": "pending", "leg": "first_mile", "carrier": "sf_express",
        "occurred_at": f"2025-06-02T09:{minute:02d}:00Z", "physically_scanned": True,
    }, source="/parcelbridge/tracking")


def _per(label: str, counted: Counter[str], units: int) -> None:
    detail = ", ".join(f"{name} {n}" for name, n in sorted(counted.items()))
    print(f"{label}: {sum(counted.values()) / units:.2f} store commands each ({units}; {detail})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10)
    orders = parser.parse_args().orders
    database = f"parcelbridge_measure_{uuid.uuid4().hex[:12]}"
    commands = listening()
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    environ = {**os.environ, "ORDERS_MONGODB_URI": f"mongodb://127.0.0.1:{port}/{database}", "LOG_LEVEL": "WARNING"}
    out, *tracking = (f"measure-{uuid.uuid4().hex[:12]}" for _ in range(3))
    admin = admin_client(bootstrap(environ).settings.kafka.bootstrap_servers)
    admin.create_topics({t: {"num_partitions": 1, "replication_factor": 1} for t in (out, *tracking)})
    routed = "topic_of" in inspect.signature(bootstrap).parameters  # main's orders service never publishes itself
    service = bootstrap(environ, topic_of=lambda _t: out) if routed else bootstrap(environ)
    try:
        _measure(service, lambda: commands.take(database), orders, out, tracking)
    finally:
        service.database().client.drop_database(database)
        admin.delete_topics([out, *tracking])
        admin.close()


def _measure(service, take: Callable[[], Counter[str]], orders: int, out: str, tracking: list[str]) -> None:
    producer = EventProducer(make_kafka_producer(service.settings.kafka), topic_of=lambda _t: out)
    sweeper = getattr(service, "sweeper", None)
    options = {"grace": sweeper.grace, "interval": sweeper.interval} if sweeper else {}
    relay = OutboxRelay(service.outbox_collections(), producer, **options)
    created = handlers.create_shipper(CreateShipper("Measure"), service.shippers())
    client = create_orders_app(service).test_client()
    auth = {"Authorization": f"Bearer {created.api_key}"}
    ids = [client.post("/v1/orders", json=copy.deepcopy(EXAMPLE_ORDER), headers=auth).get_json()["id"]]
    relay.relay_once()  # warm: indexes made, the relay's first full sweep done
    relay.relay_once()
    take()
    api, relayed = Counter(), Counter()
    for _ in range(orders):
        ids.append(client.post("/v1/orders", json=copy.deepcopy(EXAMPLE_ORDER), headers=auth).get_json()["id"])
        api += take()
        relay.relay_once()
        relayed += take()
    _per("POST /v1/orders", api, orders)
    _per("relay pass right after each order", relayed, orders)

    for rounds, hooked, topic in ((0, False, tracking[0]), (2, True, tracking[1])):
        if hooked:
            service.webhooks().add(Webhook(f"whk_{uuid.uuid4().hex[:20]}", created.shipper.id,
                                           "https://hooks.example.com/x", "whsec_x", utc_now()))
        events = [_status_changed(i, STATUSES[rounds + n], n + rounds) for i in ids[1:] for n in range(2)]
        producer.send_records([replace(record_for(e), topic=topic) for e in events])
        runner = worker.consumer_runner(service, threading.Event(), topics=[topic], group=uuid.uuid4().hex)
        take()
        while runner.counts.consumed < len(events):
            runner.poll_once(timeout_ms=500)
        counted = take()
        runner.consumer.close(autocommit=False)
        runner.dlq.close()
        _per(f"tracking.status_changed {'with' if hooked else 'without'} a webhook", counted, len(events))
    producer.close()


if __name__ == "__main__":
    main()
