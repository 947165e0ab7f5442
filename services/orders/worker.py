"""`python -m services.orders.worker consume|relay|deliver`: the order-status consumer, the outbox relay and the
webhook deliverer."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence

from services.orders import handlers
from services.orders.adapters.order_codec import ORDER_CODEC
from services.orders.adapters.repository import ORDERS
from services.orders.bootstrap import OrdersService, bootstrap
from services.orders.webhooks.adapters.directory import WebhookDirectory
from services.orders.webhooks.adapters.queue import WEBHOOK_QUEUE
from services.orders.webhooks.adapters.repository import WebhookRepository
from services.orders.webhooks.worker import deliver
from shared.batch.cache import DocumentCache
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.ports import DocumentStore, Publisher
from shared.batch.routes import bind
from shared.batch.runner import BatchRunner, subscribed_runner
from shared.batch.unit import BatchUnit
from shared.clock import Clock, utc_now
from shared.kafka.topics import SHIPMENTS, TRACKING
from shared.mongo.outbox import OutboxRelay
from shared.resilience import closed_on_failure
from shared.runtime import run_consumer, run_mode, run_relay

GROUP = "orders"
TOPICS = (SHIPMENTS.name, TRACKING.name)


def order_unit(deps: handlers.Deps, store: DocumentStore, publisher: Publisher) -> BatchUnit:
    """The handlers' routing table as a batch unit over `store`; queued webhook deliveries are hinted before the
    write, and the webhooks of the orders' shippers are looked up once per poll, when the orders are loaded.

    Nothing is cached between polls: orders are written by the API (cancel) and the deliverer too, so this
    consumer is not their only writer, and a cached order would mostly cost a conflict instead of a read.
    """
    return BatchUnit(store, publisher, {ORDERS: ORDER_CODEC}, bind(handlers.ROUTES, deps), cache=DocumentCache(size=0),
                     queues=(WEBHOOK_QUEUE,), on_load=deps.webhooks.prepare)


def consumer_deps(webhooks: WebhookRepository, clock: Clock = utc_now) -> handlers.Deps:
    return handlers.Deps(WebhookDirectory(webhooks), clock)


def consumer_runner(
    service: OrdersService, stop: threading.Event, topics: Sequence[str] = TOPICS, group: str = GROUP,
    on_poll: Callable[[], None] | None = None, **overrides,
) -> BatchRunner:
    producer = service.producer()  # the unit's events and the dead letters: closed with the runner's DLQ
    with closed_on_failure(producer):  # a start-up attempt that fails (broker or store down) leaks no producer
        unit = order_unit(consumer_deps(service.webhooks()), MongoDocumentStore(service.database()), producer)
    return subscribed_runner(service.settings.kafka, group, topics, unit, producer, stop, on_poll, **overrides)


def relay(service: OrdersService) -> OutboxRelay:
    """Only a crash sweeper: every writer of orders and shippers publishes their events right after writing."""
    sweeper = service.sweeper
    return OutboxRelay(service.outbox_collections(), service.producer(), grace=sweeper.grace,
                       interval=sweeper.interval)


def _consume(service: OrdersService, stop: threading.Event) -> None:
    run_consumer(consumer_runner(service, stop))


def _relay(service: OrdersService, stop: threading.Event) -> None:
    run_relay(relay(service), stop)


MODES = {"consume": _consume, "relay": _relay, "deliver": deliver}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.orders.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
