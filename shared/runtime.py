"""Worker process life: stop cleanly on SIGTERM or Ctrl-C, serve liveness and metrics, close producers."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from shared.config import Settings
from shared.liveness import health_app, heartbeat, readiness, serve
from shared.resilience import Patience, keep_running

if TYPE_CHECKING:
    from shared.batch.runner import BatchRunner
    from shared.kafka.consumer import ConsumerRunner
    from shared.mongo.outbox import OutboxRelay

log = logging.getLogger(__name__)


class Configured(Protocol):
    settings: Settings


Service = TypeVar("Service", bound=Configured)
Mode = Callable[[Service, threading.Event], None]


# How long a stopping worker may take to finish cleanly. A call that cannot hear the stop request — a publish
# waiting for a broker that is gone (up to the producer's 30 s delivery timeout), a store call waiting for a
# server — would hold it longer; past this the process exits anyway. Nothing is lost that way: the batch was
# not committed (it is redelivered) and the outbox keeps what was not published, as after a kill -9.
STOP_GRACE_S = 5.0


def stop_on_signals(grace: float = STOP_GRACE_S, exit_now: Callable[[int], None] = os._exit) -> threading.Event:
    """An event set by SIGTERM or SIGINT; loops check it and finish their batch before exiting, within `grace`."""
    stop = threading.Event()

    def _give_up() -> None:
        log.warning("stop took longer than its grace; exiting now", extra={"grace_s": grace})
        exit_now(0)

    def _request_stop(signum: int, _frame) -> None:
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        if not stop.is_set():
            deadline = threading.Timer(grace, _give_up)
            deadline.daemon = True
            deadline.start()
        stop.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)
    return stop


def serve_health(settings: Settings) -> None:
    """Serve this worker's /healthz and /metrics on the service's host, port WORKER_HEALTH_PORT (none if 0).

    A port that is taken ends the process at start: a probe answered by someone else would lie.
    """
    port = settings.health.worker_port
    if port:
        serve(settings.http_host, port, health_app(heartbeat, settings.health.worker_stall_s, ready=readiness))
        log.info("liveness served", extra={"url": f"http://{settings.http_host}:{port}/healthz"})


def run_mode(
    prog: str, argv: Sequence[str], modes: Mapping[str, Mode[Service]], bootstrap: Callable[[], Service]
) -> int:
    """Run the one mode named in `argv` until a stop signal; 2 (after a usage line) for anything else.

    A broker or store failure that ends the mode (at start-up or later) is waited out and the mode started
    again on a fresh service (bootstrap), so no client closed by the failed run is reused.
    """
    if len(argv) != 1 or argv[0] not in modes:
        print(f"usage: {prog} {'|'.join(modes)}", file=sys.stderr)
        return 2
    # The configuration is read only once the mode is known, so a usage error never reports a config error.
    serve_health(bootstrap().settings)
    mode, stop = modes[argv[0]], stop_on_signals()

    def attempt() -> None:
        service = bootstrap()
        try:
            mode(service, stop)
        finally:
            close = getattr(service, "close", None)  # the clients a service caches (producer, inspector)
            if close is not None:
                close()

    keep_running(attempt, stop, f"{prog} {argv[0]}", worker_patience(stop))
    return 0


def worker_patience(stop: threading.Event) -> Patience:
    """This process's patience: it reports on the worker health port and beats the heartbeat while it waits."""
    return Patience(stop, ready=readiness, on_wait=heartbeat.beat)


def progress() -> None:
    """A loop finished a pass: alive, and no longer waiting for anything."""
    heartbeat.beat()
    readiness.recovered()


def run_consumer(runner: ConsumerRunner | BatchRunner) -> None:
    """Consume until stopped; the dead-letter producer is flushed and closed however the loop ends."""
    try:
        runner.run(on_poll=heartbeat.beat)
    finally:
        runner.dlq.close()


def run_relay(relay: OutboxRelay, stop: threading.Event, chore: Callable[[], None] | None = None) -> None:
    """Relay the outbox until `stop`; the producer is flushed and closed however the loop ends.

    `chore` runs after every pass (a service's own periodic work, e.g. a sweep that paces itself); a transient
    failure of it ends the run like the relay's own, to be waited out and started again by the worker.
    """

    def passed() -> None:
        if chore is not None:
            chore()
        progress()

    try:
        relay.run(stop, on_pass=passed, patience=worker_patience(stop))
    finally:
        relay.producer.close()
