"""Configuration from the environment, read once per process and validated at start-up.

Only composition roots (bootstrap modules, the command line) call these functions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from shared.errors import ConfigError
from shared.manifest import ServiceManifest

_HOST_PORT = re.compile(r"^[A-Za-z0-9_.\-]+:\d{1,5}$")
_DB_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
# Node n of a local cluster listens at the configured broker and controller ports + 10 x (n - 1): inside an isolated
# stack's port block (+2/+3, +12/+13, +22/+23) and clear of its store (+18) and APIs (+1001..).
KAFKA_NODE_PORT_STRIDE = 10
MAX_LOCAL_BROKERS = 5


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: tuple[str, ...]
    client_id: str


@dataclass(frozen=True)
class MongoSettings:
    uri: str
    database: str
    # Every socket read is bounded, so a stuck store fails a call (transient, retried) rather than hanging it
    # for good; far above any legitimate command (an insert_many of 300 documents took ~30 ms on FerretDB).
    socket_timeout_s: float = 30.0


@dataclass(frozen=True)
class HealthSettings:
    readiness_timeout_s: float = 1.5  # /readyz answers "not ready" for a check that takes longer (the whole
    # answer, HTTP included, stays within the 2 s an orchestrator's probe allows)
    readiness_cache_s: float = 1.0  # probes within this long share one round of checks
    worker_port: int = 0  # a worker's /healthz and /metrics port; 0 serves none (a worker run by hand)
    # Longer than any legitimate pass: the webhook deliverer's worst is ceil(100 / concurrency) x timeout, 65 s.
    worker_stall_s: float = 120.0


@dataclass(frozen=True)
class Settings:
    service: str
    kafka: KafkaSettings
    mongo: MongoSettings
    http_host: str
    http_port: int
    max_body_bytes: int
    log_level: str
    health: HealthSettings = HealthSettings()


@dataclass(frozen=True)
class InfraSettings:
    data_dir: Path
    kafka_port: int
    kafka_controller_port: int
    ferretdb_port: int
    kafka_heap: str
    ferretdb_debug_port: int = 0  # 0: FerretDB serves no debug HTTP (metrics, pprof)
    kafka_brokers: int = 1  # nodes of the local KRaft cluster; each is broker and controller
    kafka_node_heap: str = "320m"  # each node's heap when there are several (3 x 320 MB on a 2-core machine)


class EnvReader:
    """Reads ranged variables and collects every problem, so one start-up error names all bad ones at once."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def text(self, name: str, default: str) -> str:
        value = self.environ.get(name, default).strip()
        if not value:
            self.problems.append(f"{name} is empty")
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.environ.get(name, "").strip() or str(default)  # set but empty counts as unset
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name}={raw!r} is not an integer")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}={value} is outside {low}..{high}")
        return value

    def number(self, name: str, default: float, low: float, high: float) -> float:
        raw = self.environ.get(name, "").strip() or str(default)
        try:
            value = float(raw)
        except ValueError:
            self.problems.append(f"{name}={raw!r} is not a number")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}={value} is outside {low}..{high}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name, "").strip().lower()
        if raw in ("", "true", "false"):
            return default if not raw else raw == "true"
        self.problems.append(f"{name}={raw!r} must be true or false")
        return default

    def optional(self, name: str) -> str | None:
        """The value, or None when unset or empty."""
        return self.environ.get(name, "").strip() or None

    def port(self, name: str, default: int) -> int:
        return self.integer(name, default, 1, 65535)

    def check(self) -> None:
        if self.problems:
            raise ConfigError("invalid configuration: " + "; ".join(self.problems))


def _bootstrap_servers(reader: EnvReader) -> tuple[str, ...]:
    # Without an explicit address, follow the local broker's port (so a second checkout can use other ports).
    raw = reader.text("KAFKA_BOOTSTRAP_SERVERS", ",".join(local_kafka_addresses(reader.environ)))
    servers = tuple(s.strip() for s in raw.split(",") if s.strip())
    bad = [s for s in servers if not _HOST_PORT.match(s)]
    if bad or not servers:
        reader.problems.append(f"KAFKA_BOOTSTRAP_SERVERS={raw!r} must be host:port[,host:port...]")
    return servers


def local_kafka_addresses(environ: Mapping[str, str]) -> list[str]:
    """Every node of the local cluster, so a client still starts while any one of them is down."""
    try:
        port = int(environ.get("PARCELBRIDGE_KAFKA_PORT", "19092"))
        brokers = int(environ.get("PARCELBRIDGE_KAFKA_BROKERS", "1"))
    except ValueError:
        return [f"127.0.0.1:{environ.get('PARCELBRIDGE_KAFKA_PORT', '19092')}"]  # reported by the infra settings
    return [f"127.0.0.1:{port + KAFKA_NODE_PORT_STRIDE * n}" for n in range(max(1, min(brokers, MAX_LOCAL_BROKERS)))]


def _mongo(reader: EnvReader, service: str) -> MongoSettings:
    name = f"{service.upper()}_MONGODB_URI"
    port = reader.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    uri = reader.text(name, f"mongodb://127.0.0.1:{port}/parcelbridge_{service}")
    parsed = urlparse(uri)
    database = parsed.path.lstrip("/") or f"parcelbridge_{service}"
    if parsed.scheme not in ("mongodb", "mongodb+srv"):
        reader.problems.append(f"{name} must start with mongodb:// or mongodb+srv://")
    if not _DB_NAME.match(database):
        reader.problems.append(f"{name} names database {database!r}; use letters, digits, _ and -")
    timeout = reader.number("MONGODB_SOCKET_TIMEOUT_SECONDS", 30.0, 1.0, 3600.0)
    return MongoSettings(uri=uri, database=database, socket_timeout_s=timeout)


def _health(reader: EnvReader) -> HealthSettings:
    return HealthSettings(
        readiness_timeout_s=reader.number("READINESS_TIMEOUT_SECONDS", 1.5, 0.1, 60.0),
        readiness_cache_s=reader.number("READINESS_CACHE_SECONDS", 1.0, 0.0, 60.0),
        worker_port=reader.integer("WORKER_HEALTH_PORT", 0, 0, 65535),
        worker_stall_s=reader.number("WORKER_STALL_SECONDS", 120.0, 1.0, 3600.0),
    )


def load_kafka_settings(client_id: str, environ: Mapping[str, str] | None = None) -> KafkaSettings:
    """Where the broker is, for a tool that needs nothing else (the simulator, topic administration)."""
    reader = EnvReader(os.environ if environ is None else environ)
    settings = KafkaSettings(_bootstrap_servers(reader), client_id=client_id)
    reader.check()
    return settings


def load_settings(manifest: ServiceManifest, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings of one service; raises ConfigError naming every missing or bad variable."""
    reader = EnvReader(os.environ if environ is None else environ)
    service, prefix = manifest.name, manifest.prefix
    settings = Settings(
        service=service,
        kafka=KafkaSettings(_bootstrap_servers(reader), client_id=f"parcelbridge-{service}"),
        mongo=_mongo(reader, service),
        http_host=reader.text(f"{prefix}_HOST", "127.0.0.1"),
        http_port=reader.port(f"{prefix}_PORT", manifest.default_port),
        max_body_bytes=reader.integer("MAX_BODY_BYTES", 1_048_576, 1024, 64 * 1_048_576),
        log_level=reader.text("LOG_LEVEL", "INFO").upper(),
        health=_health(reader),
    )
    if settings.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        reader.problems.append(f"LOG_LEVEL={settings.log_level!r} must be DEBUG, INFO, WARNING or ERROR")
    reader.check()
    return settings


def environment_variables(manifest: ServiceManifest) -> set[str]:
    """Every variable a service reads: load_settings's and its own (deployment files are checked against this)."""
    prefix = manifest.prefix
    return set(manifest.variables) | {
        "KAFKA_BOOTSTRAP_SERVERS", f"{prefix}_MONGODB_URI", f"{prefix}_HOST", f"{prefix}_PORT",
        "MAX_BODY_BYTES", "LOG_LEVEL", "PARCELBRIDGE_FERRETDB_PORT", "PARCELBRIDGE_KAFKA_PORT",
        "PARCELBRIDGE_KAFKA_BROKERS",
        "MONGODB_SOCKET_TIMEOUT_SECONDS", "READINESS_TIMEOUT_SECONDS", "READINESS_CACHE_SECONDS",
        "WORKER_HEALTH_PORT", "WORKER_STALL_SECONDS",
    }


def load_infra_settings(environ: Mapping[str, str] | None = None, root: Path | None = None) -> InfraSettings:
    """Where the local broker and store live and which ports they use."""
    reader = EnvReader(os.environ if environ is None else environ)
    base = root or Path.cwd()
    data_dir = Path(reader.text("PARCELBRIDGE_DATA_DIR", str(base / ".local")))
    settings = InfraSettings(
        data_dir=data_dir.resolve(),
        kafka_port=reader.port("PARCELBRIDGE_KAFKA_PORT", 19092),
        kafka_controller_port=reader.port("PARCELBRIDGE_KAFKA_CONTROLLER_PORT", 19093),
        ferretdb_port=reader.port("PARCELBRIDGE_FERRETDB_PORT", 27018),
        kafka_heap=reader.text("PARCELBRIDGE_KAFKA_HEAP", "512m"),
        ferretdb_debug_port=reader.integer("PARCELBRIDGE_FERRETDB_DEBUG_PORT", 0, 0, 65535),
        kafka_brokers=reader.integer("PARCELBRIDGE_KAFKA_BROKERS", 1, 1, MAX_LOCAL_BROKERS),
        kafka_node_heap=reader.text("PARCELBRIDGE_KAFKA_NODE_HEAP", "320m"),
    )
    if settings.kafka_port == settings.kafka_controller_port:
        reader.problems.append("PARCELBRIDGE_KAFKA_PORT and PARCELBRIDGE_KAFKA_CONTROLLER_PORT must differ")
    reader.check()
    return settings
