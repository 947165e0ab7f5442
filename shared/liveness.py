"""Worker liveness: the loop beats a heartbeat whenever it finishes a poll or pass; /healthz reports its age.

A worker is alive while its last finished pass is younger than `stall_after`. One that is stuck — in a
store call that never returns, in a retry loop that never ends — stops beating, and its /healthz turns 503
so an orchestrator restarts it. Served beside the worker's Prometheus /metrics on one small port.

A worker that waits out a broker or store outage is alive but not ready: its retry loops say what they wait
for (WorkerReadiness), /readyz answers 503 with that reason and /healthz carries it in its body.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Heartbeat:
    """When this process's loop last finished a pass; its start counts as the first, to cover start-up."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._last = clock()

    def beat(self) -> None:
        self._last = self.clock()

    def age(self) -> float:
        return self.clock() - self._last


# A worker process runs one loop, so one heartbeat per process, beaten by shared.runtime's loops.
heartbeat = Heartbeat()


class WorkerReadiness:
    """What this worker waits for, by dependency (`kafka`, `store`); ready when it waits for nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, str] = {}

    def waiting_for(self, dependency: str, reason: str) -> None:
        with self._lock:
            self._waiting[dependency] = reason

    def recovered(self, dependency: str | None = None) -> None:
        """`dependency` answered again (every one, if None)."""
        with self._lock:
            if dependency is None:
                self._waiting.clear()
            else:
                self._waiting.pop(dependency, None)

    def report(self) -> tuple[bool, dict[str, Any]]:
        with self._lock:
            waiting = dict(self._waiting)
        return not waiting, {"ready": not waiting, "waiting_for": waiting}


# One per process, like the heartbeat: set by the retry loops of shared.resilience and the batch runner.
readiness = WorkerReadiness()


def liveness(beats: Heartbeat, stall_after: float) -> tuple[bool, dict[str, Any]]:
    """Whether the loop finished a pass within `stall_after` seconds, and the body /healthz answers."""
    age = beats.age()
    alive = age <= stall_after
    return alive, {"status": "ok" if alive else "stalled", "last_pass_age_s": round(age, 3),
                   "stall_after_s": stall_after}


def health_app(beats: Heartbeat, stall_after: float, metrics: WSGIApp | None = None,
               ready: WorkerReadiness | None = None) -> WSGIApp:
    """/healthz (200 alive, 503 stalled), /readyz (200 ready, 503 waiting for a dependency) and /metrics."""
    metrics = metrics or make_wsgi_app()
    ready = ready or WorkerReadiness()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        is_ready, waiting = ready.report()
        if path == "/readyz":
            return _json(start_response, "200 OK" if is_ready else "503 Service Unavailable",
                         {"status": "ready" if is_ready else "waiting", **waiting})
        if path != "/healthz":
            return _json(start_response, "404 Not Found", {"status": "not found"})
        alive, body = liveness(beats, stall_after)
        return _json(start_response, "200 OK" if alive else "503 Service Unavailable", {**body, **waiting})

    return app


def _json(start_response: Callable[..., Any], status: str, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a probe in flight never holds up the worker's exit


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Probes every few seconds would drown the worker's own log."""


def serve(host: str, port: int, app: WSGIApp) -> WSGIServer:
    """Serve `app` on host:port from a daemon thread; the bound server (its port, if 0 was asked) is returned."""
    server = make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="health-server", daemon=True).start()
    return server
