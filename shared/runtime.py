"""Process life for workers and relays: stop cleanly on SIGTERM or Ctrl-C, expose metrics, close producers."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from prometheus_client import start_http_server

if TYPE_CHECKING:
    from shared.kafka.consumer import ConsumerRunner
    from shared.mongo.outbox import OutboxRelay

log = logging.getLogger(__name__)
Service = TypeVar("Service")
Mode = Callable[[Service, threading.Event], None]


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT; loops check it and finish their batch before exiting."""
    stop = threading.Event()

    def _request_stop(signum: int, _frame) -> None:
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)
    return stop


def serve_metrics(port: int | None) -> None:
    """Expose this process's Prometheus metrics on 127.0.0.1:`port` (no-op without a port)."""
    if port:
        start_http_server(port, addr="127.0.0.1")


def run_mode(
    prog: str, argv: Sequence[str], modes: Mapping[str, Mode[Service]], bootstrap: Callable[[], Service]
) -> int:
    """Run the one mode named in `argv` until a stop signal; 2 (after a usage line) for anything else."""
    if len(argv) != 1 or argv[0] not in modes:
        print(f"usage: {prog} {'|'.join(modes)}", file=sys.stderr)
        return 2
    # The configuration is read only once the mode is known, so a usage error never reports a config error.
    service = bootstrap()
    modes[argv[0]](service, stop_on_signals())
    return 0


def run_consumer(runner: ConsumerRunner) -> None:
    """Consume until stopped; the dead-letter producer is flushed and closed however the loop ends."""
    try:
        runner.run()
    finally:
        runner.dlq.close()


def run_relay(relay: OutboxRelay, stop: threading.Event) -> None:
    """Relay the outbox until `stop`; the producer is flushed and closed however the loop ends."""
    try:
        relay.run(stop)
    finally:
        relay.producer.close()
