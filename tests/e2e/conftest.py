"""The whole system as real processes, on its own broker, store and ports, wiped at every run.

A developer's `make run` may be using the default ports and topics at the same time; this stack never
touches it: separate data folder, separate ports, separate everything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARCELBRIDGE = str(Path(sys.executable).parent / "parcelbridge")

E2E_ENV = {
    "PARCELBRIDGE_DATA_DIR": str(ROOT / ".local" / "e2e"),
    "PARCELBRIDGE_KAFKA_PORT": os.environ.get("E2E_KAFKA_PORT", "39092"),
    "PARCELBRIDGE_KAFKA_CONTROLLER_PORT": os.environ.get("E2E_KAFKA_CONTROLLER_PORT", "39093"),
    "PARCELBRIDGE_FERRETDB_PORT": os.environ.get("E2E_FERRETDB_PORT", "37018"),
    "PARCELBRIDGE_KAFKA_HEAP": "384m",
    "ORDERS_PORT": "38001",
    "SHIPPING_PORT": "38002",
    "TRACKING_PORT": "38003",
    "WEB_CONCURRENCY": "1",
    "SF_CHECK_WORD": "e2e-sf-check-word",
    "UPS_TRACK_ALERT_CREDENTIAL": "e2e-ups-credential",
    "TRACKING_RATE_LIMIT_PER_SECOND": "0",
    "LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class Stack:
    env: dict[str, str]
    logs: Path

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.env[service.upper() + '_PORT']}"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([PARCELBRIDGE, *args], env=self.env, capture_output=True, text=True, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"parcelbridge {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_MONGODB_URI")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.update(E2E_ENV)
    running = Stack(env=env, logs=Path(E2E_ENV["PARCELBRIDGE_DATA_DIR"]) / "logs")
    running.cli("services", "down", check=False)
    running.cli("infra", "reset", "--yes")
    try:
        running.cli("infra", "up")
        running.cli("topics", "create")
        running.cli("services", "up")
        yield running
    finally:
        running.cli("services", "down", check=False)
        running.cli("infra", "down", check=False)
