"""`python -m services.tracking.worker consume|relay`: the tracker consumer and the outbox relay."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from functools import partial

from services.tracking import handlers
from services.tracking.bootstrap import TrackingService, bootstrap
from shared.kafka.consumer import ConsumerRunner, Handler, make_kafka_consumer
from shared.kafka.producer import EventProducer
from shared.kafka.topics import CARRIER_SCANS, SHIPMENTS
from shared.mongo.outbox import OutboxRelay
from shared.runtime import run_consumer, run_mode, run_relay

GROUP = "tracking"
TOPICS = (SHIPMENTS.name, CARRIER_SCANS.name)


def event_handlers(service: TrackingService, producer: EventProducer | None = None) -> dict[str, Handler]:
    """Which handler each consumed event type goes to; other types on these topics are skipped.

    `producer` carries released parked scans to carrier-scans.v1 (tests route it to a throwaway topic).
    """
    deps = service.deps(producer)
    return {kind: partial(handler, deps=deps) for kind, handler in handlers.EVENT_HANDLERS.items()}


def consumer_runner(
    service: TrackingService, stop: threading.Event, topics: Sequence[str] = TOPICS, group: str = GROUP,
    producer: EventProducer | None = None, **overrides,
) -> ConsumerRunner:
    consumer = make_kafka_consumer(service.settings.kafka, group, list(topics), **overrides)
    deps = service.deps(producer)
    batch = {kind: partial(handler, deps=deps) for kind, handler in handlers.BATCH_HANDLERS.items()}
    return ConsumerRunner(consumer, service.producer(), event_handlers(service, producer), group, stop=stop,
                          batch_handlers=batch)


def relay(service: TrackingService) -> OutboxRelay:
    return OutboxRelay(service.outbox_collections(), service.producer())


def _consume(service: TrackingService, stop: threading.Event) -> None:
    run_consumer(consumer_runner(service, stop))


def _relay(service: TrackingService, stop: threading.Event) -> None:
    run_relay(relay(service), stop)


MODES = {"consume": _consume, "relay": _relay}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.tracking.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
