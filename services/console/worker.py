"""`python -m services.console.worker consume|relay`: the pipeline read model and the background sampler.

`consume` builds the console's read model from the parcel topics in its own consumer group (read-only: it
produces nothing but dead letters). `relay` has no outbox to relay — the console's only writes to Kafka are
operator replays, sent at once — so it runs the lag sampler, the snapshots and the alert evaluator instead.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence

from services.console.bootstrap import ConsoleService, bootstrap
from services.console.projection import RecordAwareRunner, event_handlers
from shared.kafka.consumer import make_kafka_consumer
from shared.kafka.topics import CARRIER_SCANS, ORDERS, SHIPMENTS, TRACKING
from shared.liveness import heartbeat
from shared.runtime import run_consumer, run_mode

GROUP = "console"
TOPICS = (ORDERS.name, SHIPMENTS.name, CARRIER_SCANS.name, TRACKING.name)


def consumer_runner(service: ConsoleService, stop: threading.Event, topics: Sequence[str] = TOPICS,
                    group: str = GROUP, **overrides) -> RecordAwareRunner:
    consumer = make_kafka_consumer(service.settings.kafka, group, list(topics), **overrides)
    return RecordAwareRunner(consumer, service.producer(), event_handlers(service.model()), group, stop=stop)


def _consume(service: ConsoleService, stop: threading.Event) -> None:
    run_consumer(consumer_runner(service, stop))


def _relay(service: ConsoleService, stop: threading.Event) -> None:
    try:
        service.sampler().run(stop, service.options.sample_seconds, on_pass=heartbeat.beat)
    finally:
        service.close()


MODES = {"consume": _consume, "relay": _relay}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.console.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
