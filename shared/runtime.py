"""Process life for workers and relays: stop cleanly on SIGTERM or Ctrl-C, expose metrics."""

from __future__ import annotations

import logging
import signal
import threading

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


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
