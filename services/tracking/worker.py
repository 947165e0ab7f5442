"""`python -m services.tracking.worker consume|relay`: the tracker consumer, and the outbox crash sweeper that
also expires parked scans and runs the reconciliation poller (chores paced by their own intervals)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from functools import partial

from services.tracking import handlers
from services.tracking.adapters.repository import TRACKER_CODEC, TRACKERS
from services.tracking.bootstrap import TrackingService, bootstrap
from services.tracking.chores.parked_sweep import ParkedSweep
from shared.batch.cache import DocumentCache
from shared.batch.mongo_store import MongoDocumentStore
from shared.batch.ports import DocumentStore, Publisher
from shared.batch.routes import bind, bind_hooks
from shared.batch.runner import BatchRunner, subscribed_runner
from shared.batch.unit import BatchUnit
from shared.kafka.producer import EventProducer
from shared.kafka.topics import CARRIER_SCANS, SHIPMENTS
from shared.liveness import heartbeat
from shared.mongo.documents import Document
from shared.mongo.outbox import OutboxRelay
from shared.runtime import run_consumer, run_mode, run_relay

GROUP = "tracking"
TOPICS = (SHIPMENTS.name, CARRIER_SCANS.name)
CACHED_TRACKERS = 5_000  # per consumer process: ~10 kB each with a 20-entry timeline


def tracker_unit(deps: handlers.Deps, store: DocumentStore, publisher: Publisher,
                 cache: DocumentCache | None = None) -> BatchUnit:
    """The handlers' routing table as a batch unit over `store`; `publisher` carries the trackers' outbox."""
    cache = cache if cache is not None else DocumentCache()
    hooks: dict[str, list[Callable]] = {kind: [hook] for kind, hook in bind_hooks(handlers.AFTER_WRITE, deps).items()}
    for kind in handlers.ROUTES:  # every tracker write notes the tracker's quiet key for the reconciliation poller
        hooks.setdefault(kind, []).append(partial(handlers.note_quiet, deps=deps, documents=_written(cache, store)))
    after_write = {kind: partial(_in_turn, steps) for kind, steps in hooks.items()}
    return BatchUnit(store, publisher, {TRACKERS: TRACKER_CODEC}, bind(handlers.ROUTES, deps), after_write, cache)


def _in_turn(steps: Sequence[Callable], events: Sequence) -> list:
    return [rejection for step in steps for rejection in step(events)]


def _written(cache: DocumentCache, store: DocumentStore) -> Callable[[Sequence[str]], dict[str, Document]]:
    """The trackers as the unit just wrote them: from its cache, else (evicted or dropped) one store read."""
    def documents(ids: Sequence[str]) -> dict[str, Document]:
        found = {i: d for i in ids if (d := cache.get((TRACKERS, i))) is not None}
        missing = [i for i in ids if i not in found]
        return found | (store.read(TRACKERS, missing) if missing else {})
    return documents


def batch_unit(service: TrackingService, producer: EventProducer | None = None) -> BatchUnit:
    """The consumer's unit; `producer` carries released parked scans (tests route it to a throwaway topic)."""
    return tracker_unit(service.deps(producer), MongoDocumentStore(service.database()), service.producer(),
                        DocumentCache(CACHED_TRACKERS))


def consumer_runner(
    service: TrackingService, stop: threading.Event, topics: Sequence[str] = TOPICS, group: str = GROUP,
    producer: EventProducer | None = None, on_poll: Callable[[], None] | None = None, **overrides,
) -> BatchRunner:
    unit = batch_unit(service, producer)
    return subscribed_runner(service.settings.kafka, group, topics, unit, service.producer(), stop, on_poll,
                             **overrides)


def relay(service: TrackingService) -> OutboxRelay:
    """Only a crash sweeper: the consumer publishes its trackers' events right after writing them."""
    options = service.options
    return OutboxRelay(service.outbox_collections(), service.producer(), grace=options.outbox_grace_seconds,
                       interval=options.outbox_sweep_seconds)


def parked_sweep(service: TrackingService) -> ParkedSweep:
    options = service.options
    return ParkedSweep(service.parked(), options.parked_ttl, options.parked_sweep_seconds)


def _consume(service: TrackingService, stop: threading.Event) -> None:
    run_consumer(consumer_runner(service, stop))


def _relay(service: TrackingService, stop: threading.Event) -> None:
    # The poller shares the relay's process rather than running its own: it is light periodic work, like the
    # sweep, and the relay already has the producer, the store, a heartbeat and /metrics. It beats the heartbeat
    # after each carrier call, so a long pass (rate-limited calls, retries) is not taken for a stall.
    sweep, poller = parked_sweep(service), service.reconciler(stop, on_progress=heartbeat.beat)

    def chores() -> None:
        sweep()
        poller()

    run_relay(relay(service), stop, chore=chores)


MODES = {"consume": _consume, "relay": _relay}


def main(argv: Sequence[str]) -> int:
    return run_mode("python -m services.tracking.worker", argv, MODES, bootstrap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
