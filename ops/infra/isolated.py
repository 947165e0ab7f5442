"""A whole parcelbridge on its own broker, store, ports and data folder, for tests and benchmarks.

It never touches a developer's `make run`: everything lives under its own folder and port block.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ops.infra.interrupts import shielded, terminate_interrupts
from ops.infra.layout import PROJECT_ROOT

# The command line by module, so a stack works in any checkout whatever its installed script points at.
PARCELBRIDGE = (sys.executable, "-m", "ops")


def isolated_env(name: str, port_base: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of an isolated stack: ports port_base+2/+3 (Kafka), +18 (store), +1001.. (APIs)."""
    env = {key: value for key, value in os.environ.items() if not key.endswith("_MONGODB_URI")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.update({
        "PARCELBRIDGE_DATA_DIR": str(PROJECT_ROOT / ".local" / name),
        "PARCELBRIDGE_KAFKA_PORT": str(port_base + 2),
        "PARCELBRIDGE_KAFKA_CONTROLLER_PORT": str(port_base + 3),
        "PARCELBRIDGE_FERRETDB_PORT": str(port_base + 18),
        "PARCELBRIDGE_KAFKA_HEAP": "384m",
        "ORDERS_PORT": str(port_base + 1001),
        "SHIPPING_PORT": str(port_base + 1002),
        "TRACKING_PORT": str(port_base + 1003),
        "CONSOLE_PORT": str(port_base + 1004),
        "SF_CHECK_WORD": f"{name}-sf-check-word",
        "UPS_TRACK_ALERT_CREDENTIAL": f"{name}-ups-credential",
        "TRACKING_RATE_LIMIT_PER_SECOND": "0",
        "LOG_LEVEL": "INFO",
    })
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class IsolatedStack:
    env: dict[str, str]

    @property
    def logs(self) -> Path:
        return Path(self.env["PARCELBRIDGE_DATA_DIR"]) / "logs"

    @property
    def kafka(self) -> str:
        return f"127.0.0.1:{self.env['PARCELBRIDGE_KAFKA_PORT']}"

    @property
    def mongodb(self) -> str:
        return f"mongodb://127.0.0.1:{self.env['PARCELBRIDGE_FERRETDB_PORT']}/"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.env[service.upper() + '_PORT']}"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*PARCELBRIDGE, *args], env=self.env, capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            raise RuntimeError(f"parcelbridge {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self) -> None:
        """Wipe the data, then start the broker, the store and every service; on failure stop what started."""
        self.cli("services", "down", check=False)
        self.cli("infra", "reset", "--yes")
        try:
            self.cli("infra", "up")
            self.cli("services", "up")
        except BaseException:
            # A caller whose start failed never gets a stack to stop: leave no broker, store or app behind.
            self.stop()
            raise

    def stop(self) -> None:
        with shielded():
            self.cli("services", "down", check=False)
            self.cli("infra", "down", check=False)

    @contextmanager
    def running(self) -> Iterator[IsolatedStack]:
        """Start the stack and stop everything it started on the way out: normally, on an error, on Ctrl-C
        (SIGINT) and on SIGTERM (a CI time-out, `kill`), which would otherwise leave broker, store and services."""
        with terminate_interrupts():
            self.start()
            try:
                yield self
            finally:
                self.stop()

    def create_shipper(self, name: str) -> str:
        """A new shipper's API key, as `parcelbridge shippers create` prints it."""
        output = self.cli("shippers", "create", name).stdout
        return next(line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("API key:"))
