"""`python -m services.shipping.worker consume|relay`: the batch consumer or the outbox crash sweeper."""

from __future__ import annotations

import argparse
import logging
import threading

from services.shipping import bootstrap
from shared.config import Settings
from shared.resilience import keep_running
from shared.runtime import run_consumer, run_relay, serve_health, stop_on_signals, worker_patience

log = logging.getLogger(__name__)


def consume(settings: Settings, stop: threading.Event) -> None:
    """Book, cancel and note pickups from orders.v1, tracking.v1 and shippers.v1 until SIGTERM."""
    bootstrap.prepare_topics(settings)
    bootstrap.prepare_store(settings)
    runner = bootstrap.consumer_runner(settings, stop)
    run_consumer(runner)
    log.info("consumer stopped", extra={"counts": vars(runner.counts)})


def relay(settings: Settings, stop: threading.Event) -> None:
    """Publish what a crashed consumer left in the shipments' and bookings' outboxes, until SIGTERM."""
    bootstrap.prepare_topics(settings)
    bootstrap.prepare_store(settings)
    run_relay(bootstrap.outbox_relay(settings), stop)
    log.info("relay stopped")


COMMANDS = {"consume": consume, "relay": relay}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.shipping.worker", description=__doc__)
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    settings = bootstrap.settings()
    serve_health(settings)
    stop = stop_on_signals()
    command = COMMANDS[args.command]
    # Topics, indexes and clients are made again on each try: the broker or the store may be down at start.
    keep_running(lambda: command(settings, stop), stop, f"shipping {args.command}", worker_patience(stop))


if __name__ == "__main__":
    main()
