"""`python -m services.shipping.worker consume|relay`: the batch consumer or the outbox crash sweeper."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence

from services.shipping import handlers
from services.shipping.adapters.repository import BOOKINGS, REFUSAL_CODEC, SHIPMENT_CODEC, SHIPMENTS
from services.shipping.bootstrap import ShippingService, bootstrap
from services.shipping.handlers import Deps
from shared.batch.cache import DocumentCache
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.ports import DocumentStore, Publisher
from shared.batch.routes import bind, bind_hooks
from shared.batch.runner import BatchRunner, subscribed_runner
from shared.batch.unit import BatchUnit
from shared.kafka.topics import ORDERS, SHIPPERS, TRACKING
from shared.mongo.outbox import OutboxRelay
from shared.resilience import closed_on_failure
from shared.runtime import run_consumer, run_mode, run_relay

GROUP = "shipping"
TOPICS = (ORDERS.name, SHIPPERS.name, TRACKING.name)
CACHED_SHIPMENTS = 5_000  # per consumer process: ~3 kB each


def shipping_unit(deps: Deps, store: DocumentStore, publisher: Publisher,
                  cache: DocumentCache | None = None) -> BatchUnit:
    """The handlers' routing table as a batch unit over `store`; `publisher` carries the shipments' outbox."""
    codecs = {SHIPMENTS: SHIPMENT_CODEC, BOOKINGS: REFUSAL_CODEC}
    return BatchUnit(store, publisher, codecs, bind(handlers.ROUTES, deps), bind_hooks(handlers.AFTER_WRITE, deps),
                     cache)


def consumer_runner(
    service: ShippingService, stop: threading.Event, topics: Sequence[str] = TOPICS, group: str = GROUP,
    on_poll: Callable[[], None] | None = None, **overrides,
) -> BatchRunner:
    """Book, cancel and note pickups; one producer publishes the unit's outbox and the dead letters."""
    producer = service.producer()
    with closed_on_failure(producer):  # a start-up attempt that fails (broker or store down) leaks no producer
        unit = shipping_unit(service.deps(), MongoDocumentStore(service.database()), producer,
                             DocumentCache(CACHED_SHIPMENTS))
    return subscribed_runner(service.settings.kafka, group, topics, unit, producer, stop, on_poll, **overrides)


def relay(service: ShippingService) -> OutboxRelay:
    """Only a crash sweeper: the consumer publishes its documents' events right after writing them."""
    options = service.options
    return OutboxRelay(service.outbox_collections(), service.producer(), grace=options.outbox_grace_seconds,
                       interval=options.outbox_sweep_seconds)


def _consume(service: ShippingService, stop: threading.Event) -> None:
    service.prepare_topics()
    run_consumer(consumer_runner(service, stop))


def _relay(service: ShippingService, stop: threading.Event) -> None:
    service.prepare_topics()
    run_relay(relay(service), stop)


MODES = {"consume": _consume, "relay": _relay}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.shipping.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
