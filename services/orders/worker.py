"""`python -m services.orders.worker consume|relay|deliver`: the order-status consumer, the outbox relay and the
webhook deliverer."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from functools import partial

from services.orders import handlers
from services.orders.bootstrap import OrdersService, bootstrap
from shared.kafka.consumer import ConsumerRunner, Handler, make_kafka_consumer
from shared.kafka.topics import SHIPMENTS, TRACKING
from shared.liveness import heartbeat
from shared.mongo.outbox import OutboxRelay
from shared.runtime import run_consumer, run_mode, run_relay

GROUP = "orders"
TOPICS = (SHIPMENTS.name, TRACKING.name)


def event_handlers(service: OrdersService) -> dict[str, Handler]:
    """Which handler each consumed event type goes to; other types on these topics are skipped."""
    table: dict[str, Handler] = {
        kind: partial(handlers.apply_shipment_event, orders=service.orders()) for kind in handlers.SHIPMENT_EVENT_TYPES
    }
    table["tracking.status_changed"] = partial(
        handlers.apply_tracking_event, orders=service.orders(), webhooks=service.webhooks()
    )
    return table


def consumer_runner(
    service: OrdersService, stop: threading.Event, topics: Sequence[str] = TOPICS, group: str = GROUP, **overrides
) -> ConsumerRunner:
    consumer = make_kafka_consumer(service.settings.kafka, group, list(topics), **overrides)
    return ConsumerRunner(consumer, service.producer(), event_handlers(service), group, stop=stop)


def relay(service: OrdersService) -> OutboxRelay:
    """Only a crash sweeper: every writer of orders and shippers publishes their events right after writing."""
    sweeper = service.sweeper
    return OutboxRelay(service.outbox_collections(), service.producer(), grace=sweeper.grace,
                       interval=sweeper.interval)


def _consume(service: OrdersService, stop: threading.Event) -> None:
    run_consumer(consumer_runner(service, stop))


def _relay(service: OrdersService, stop: threading.Event) -> None:
    run_relay(relay(service), stop)


def _deliver(service: OrdersService, stop: threading.Event) -> None:
    # One deliver process per database: deliveries are not claimed, so two would both send them.
    doorbell = service.doorbell()
    try:
        service.dispatcher().run(stop, doorbell, on_pass=heartbeat.beat)
    finally:
        doorbell.close()


MODES = {"consume": _consume, "relay": _relay, "deliver": _deliver}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.orders.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
