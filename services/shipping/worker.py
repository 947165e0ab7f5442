"""`python -m services.shipping.worker consume|relay`: the batch consumer or the outbox crash sweeper."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence

from services.shipping.bootstrap import CACHED_SHIPMENTS, ShippingService, bootstrap, shipping_unit
from shared.batch.cache import DocumentCache
from shared.batch.runner import BatchRunner, ForgetOnRevoke
from shared.kafka.consumer import make_kafka_consumer
from shared.kafka.topics import ORDERS, SHIPPERS, TRACKING
from shared.mongo.batch_store import MongoDocumentStore
from shared.mongo.outbox import OutboxRelay
from shared.resilience import closed_on_failure
from shared.runtime import run_consumer, run_mode, run_relay

GROUP = "shipping"
TOPICS = (ORDERS.name, SHIPPERS.name, TRACKING.name)


def consumer_runner(
    service: ShippingService, stop: threading.Event, topics: Sequence[str] = TOPICS, group: str = GROUP,
    on_poll: Callable[[], None] | None = None, **overrides,
) -> BatchRunner:
    """Book, cancel and note pickups; one producer publishes the unit's outbox and the dead letters."""
    producer = service.producer()
    with closed_on_failure(producer):  # a start-up attempt that fails (broker or store down) leaks no producer
        unit = shipping_unit(service.deps(), MongoDocumentStore(service.database()), producer,
                             DocumentCache(CACHED_SHIPMENTS))
        consumer = make_kafka_consumer(service.settings.kafka, group, list(topics), ForgetOnRevoke(unit.forget),
                                       **overrides)
    return BatchRunner(consumer, producer, unit, group, stop=stop, on_poll=on_poll)


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
