"""gunicorn settings shared by every service's web app; the bind address comes from the command line."""

import os

from prometheus_client import multiprocess

# Threads serve requests that wait on the store; two processes use both cores.
worker_class = "shared.http.gunicorn_errors.ProblemThreadWorker"  # gthread; errors as problem+json
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 30
# In-flight requests take milliseconds; a grace under the supervisor's (4 s) keeps `make stop` within its 15 s.
graceful_timeout = 3
keepalive = 5
# Clients (MongoDB, Kafka) are made lazily inside each worker, after the fork.
preload_app = False
accesslog = None  # each request is already logged as JSON by the app
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_line = 8190


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the shared Prometheus files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
