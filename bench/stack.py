"""The isolated parcelbridge the bench runs on: its own broker, store, ports and data folder, wiped first.

A developer's `make run` (ports 19092/27018/800x) and the e2e tests (21000 block) are never touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from pymongo import MongoClient
from pymongo.database import Database

from ops.infra.isolated import IsolatedStack, isolated_env
from shared.config import KafkaSettings

STACK_NAME = "bench"
FERRETDB_DEBUG_OFFSET = 19  # beside the store (+18): its Prometheus counters, read for store commands per unit


@dataclass(frozen=True)
class Bench:
    """The running stack and what every step needs to reach it."""

    stack: IsolatedStack
    api_key: str

    @property
    def kafka(self) -> KafkaSettings:
        return KafkaSettings(bootstrap_servers=(self.stack.kafka,), client_id="parcelbridge-bench")

    def url(self, service: str) -> str:
        return self.stack.url(service)

    def database(self, name: str) -> Database:
        return MongoClient(self.stack.mongodb, tz_aware=True)[name]

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.stack.env['PARCELBRIDGE_FERRETDB_DEBUG_PORT']}/debug/metrics"

    def tracking_db(self) -> Database:
        return self.database("parcelbridge_tracking")

    @property
    def sf_check_word(self) -> str:
        return self.stack.env["SF_CHECK_WORD"]

    @property
    def ups_credential(self) -> str:
        return self.stack.env["UPS_TRACK_ALERT_CREDENTIAL"]


def consumer_env(consumers: Mapping[str, int]) -> dict[str, str]:
    """`<SERVICE>_CONSUMERS` for each service given (the stack starts that many consumers of its group)."""
    return {f"{service.upper()}_CONSUMERS": str(count) for service, count in consumers.items()}


def bench_env(port_base: int, consumers: Mapping[str, int] | None = None) -> dict[str, str]:
    # The services run with their default gunicorn settings (2 workers x 8 threads), as `make run` runs them,
    # but with `consumers` consumer processes per service (the report says how many). The per-client rate
    # limit is off, as every request comes from one address.
    return {**isolated_env(STACK_NAME, port_base), **consumer_env(consumers or {}),
            "PARCELBRIDGE_FERRETDB_DEBUG_PORT": str(port_base + FERRETDB_DEBUG_OFFSET)}


@contextmanager
def running_stack(port_base: int, say, consumers: Mapping[str, int] | None = None) -> Iterator[Bench]:
    """Start a fresh isolated stack and a shipper; always stop the stack afterwards."""
    stack = IsolatedStack(bench_env(port_base, consumers))
    say(f"starting an isolated stack (ports {port_base}+, data in {stack.env['PARCELBRIDGE_DATA_DIR']})")
    try:
        with stack.running():
            try:
                yield Bench(stack, stack.create_shipper("Bench Shipper"))
            finally:
                say("stopping the isolated stack")
    except KeyboardInterrupt:
        say("interrupted: the isolated stack was stopped")
        raise
