"""`python -m services.console.worker consume|relay`: the pipeline read model and the background sampler.

`consume` builds the console's read model from the parcel topics in its own consumer group (read-only: it
produces nothing but dead letters). `relay` has no outbox to relay — the console's only writes to Kafka are
operator replays, sent at once — so it runs the lag sampler, the snapshots and the alert evaluator instead.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence

from services.console.adapters.rows import MongoInsertOnce
from services.console.bootstrap import ConsoleService, bootstrap
from services.console.projection_unit import ProjectionUnit
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.runner import BatchRunner, subscribed_runner
from shared.kafka.topics import CARRIER_SCANS, ORDERS, SHIPMENTS, TRACKING
from shared.liveness import heartbeat
from shared.runtime import run_consumer, run_mode, worker_patience

GROUP = "console"
TOPICS = (ORDERS.name, SHIPMENTS.name, CARRIER_SCANS.name, TRACKING.name)


def projection_unit(service: ConsoleService) -> ProjectionUnit:
    database = service.database()
    return ProjectionUnit(MongoDocumentStore(database), MongoInsertOnce(database))


def consumer_runner(service: ConsoleService, stop: threading.Event, topics: Sequence[str] = TOPICS,
                    group: str = GROUP, on_poll: Callable[[], None] | None = None, **overrides) -> BatchRunner:
    """The read model's consumer: each poll applied as one unit (see projection_unit), then committed."""
    unit = projection_unit(service)
    return subscribed_runner(service.settings.kafka, group, topics, unit, service.producer(), stop, on_poll,
                             **overrides)


def _consume(service: ConsoleService, stop: threading.Event) -> None:
    run_consumer(consumer_runner(service, stop))


def _relay(service: ConsoleService, stop: threading.Event) -> None:
    try:
        service.sampler().run(stop, service.options.sample_seconds, on_pass=heartbeat.beat,
                              patience=worker_patience(stop))
    finally:
        service.close()


MODES = {"consume": _consume, "relay": _relay}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.console.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
