"""The services as real processes: per service a gunicorn web app, a consumer worker and an outbox relay."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ops.infra import processes
from ops.infra.layout import DEPLOY_LOCAL, PROJECT_ROOT, Layout
from ops.registry import SERVICES, manifest, settings_of
from ops.supervision import control
from ops.supervision.plan import ProcessSpec
from ops.supervision.state import GAVE_UP, ChildState
from shared.errors import ConfigError
from shared.manifest import WORKER_KINDS

KINDS = (*WORKER_KINDS, "api")  # started in this order, stopped in reverse: the API goes first
MAX_CONSUMERS = 6  # the most partitions a consumed topic has (carrier-scans.v1)
Say = Callable[[str], None]
# Each worker's /healthz port: its service's API port plus 100 x its slot (orders: relay 8101, deliver 8201,
# consumers 8301..8801), so ports never collide across services, copies or the e2e and bench port blocks.
HEALTH_SLOTS = {"relay": 1, "deliver": 2, "worker": 3}
# The supervisor stops tier by tier: web apps (no new work), then consumers (commit), then relays (drain).
STOP_TIERS = {"api": 0, "worker": 1, "deliver": 1, "relay": 2}


class StackError(RuntimeError):
    """A service process did not start or did not become ready."""


@dataclass(frozen=True)
class ServiceProcess:
    service: str
    kind: str
    command: tuple[str, ...]
    copy: int = 1  # the n-th process of this kind (several consumers of one group)

    @property
    def name(self) -> str:
        return f"{self.service}-{self.kind}" + (f"-{self.copy}" if self.copy > 1 else "")


def available_services() -> list[str]:
    """Every registered service, in start order."""
    return [m.name for m in SERVICES]


def consumer_count(service: str, environ: Mapping[str, str] | None = None) -> int:
    """`<SERVICE>_CONSUMERS` (default 1): consumer processes of the service's group, sharing its partitions.

    More than one overlaps one process's waits on the store with another's work; more than the topic's
    partitions would leave the extra ones idle.
    """
    name = f"{service.upper()}_CONSUMERS"
    raw = (os.environ if environ is None else environ).get(name, "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_CONSUMERS:
        raise ConfigError(f"{name}={raw!r}: give a whole number from 1 to {MAX_CONSUMERS}")
    return int(raw)


def service_processes(service: str, python: str = sys.executable) -> list[ServiceProcess]:
    declared = manifest(service)
    settings = settings_of(service)
    bind = f"{settings.http_host}:{settings.http_port}"
    worker = f"{declared.package}.worker"
    commands = {
        "relay": (python, "-m", worker, "relay"),
        "worker": (python, "-m", worker, "consume"),
        "deliver": (python, "-m", worker, "deliver"),
        "api": (python, "-m", "gunicorn", "-c", str(DEPLOY_LOCAL / "gunicorn.conf.py"), "--bind", bind,
                f"{declared.package}.wsgi:app"),
    }
    kinds = [kind for kind in KINDS if kind == "api" or kind in declared.workers]
    found = []
    for kind in kinds:
        copies = consumer_count(service) if kind == "worker" and declared.scalable_consumers else 1
        found += [ServiceProcess(service, kind, commands[kind], copy) for copy in range(1, copies + 1)]
    return found


def up(layout: Layout, say: Say, services: list[str] | None = None) -> None:
    """Create the topics, have the supervisor run every process, then wait until each web app is ready."""
    _ensure_topics(say)
    chosen = services or available_services()
    specs = [spec(layout, process) for service in chosen for process in service_processes(service)]
    try:
        control.ensure(layout, specs, os.environ, say)
    except RuntimeError as exc:
        raise StackError(str(exc)) from exc
    for service in chosen:
        _wait_ready(layout, service, say)


def _ensure_topics(say: Say) -> None:
    # Imported here: kafka-python and the event schemas are most of this module's import time, and `stop` and
    # `services down|status` (which must be quick on a busy machine) never create topics.
    from ops.registry import kafka_settings
    from shared.kafka.admin import admin_client, ensure_topics

    admin = admin_client(kafka_settings().bootstrap_servers)
    try:
        created = ensure_topics(admin)
    finally:
        admin.close()
    if created:
        say(f"topics created: {', '.join(created)}")


def spec(layout: Layout, process: ServiceProcess) -> ProcessSpec:
    """How the supervisor runs a process: its own variables on top of the stack's environment."""
    env = {}
    if process.kind in HEALTH_SLOTS:
        env["WORKER_HEALTH_PORT"] = str(health_port(process))
    fresh = ""
    if process.kind == "api":
        fresh = str(layout.run / "prometheus" / process.service)
        env["PROMETHEUS_MULTIPROC_DIR"] = fresh
    return ProcessSpec(name=process.name, command=process.command, log_file=str(layout.log_file(process.name)),
                       pid_file=str(layout.pid_file(process.name)), cwd=str(PROJECT_ROOT),
                       tier=STOP_TIERS[process.kind], env=env, fresh_dir=fresh)


def health_port(process: ServiceProcess) -> int:
    """Where a worker process serves /healthz and /metrics (see HEALTH_SLOTS)."""
    slot = HEALTH_SLOTS[process.kind] + process.copy - 1
    return settings_of(process.service).http_port + 100 * slot


def _wait_ready(layout: Layout, service: str, say: Say, timeout: float = 60.0) -> None:
    settings = settings_of(service)
    url = f"http://{settings.http_host}:{settings.http_port}/readyz"
    names = [process.name for process in service_processes(service)]
    began = time.monotonic()
    processes.wait_until(lambda: _answers(url) or bool(_given_up(layout, names)), timeout, interval=0.2)
    given_up = _given_up(layout, names)
    if given_up:
        raise StackError(f"{service}: the supervisor gave up {', '.join(given_up)} after repeated failures; "
                         f"see `parcelbridge services status` and the logs in {layout.logs}")
    if not _answers(url):
        raise StackError(f"{service} did not become ready at {url} within {timeout:.0f}s; logs in {layout.logs}")
    say(f"{service}: ready at http://{settings.http_host}:{settings.http_port} ({time.monotonic() - began:.1f}s)")


def _given_up(layout: Layout, names: list[str]) -> list[str]:
    known = control.states(layout)
    return [f"{name} ({known[name].last_exit})" for name in names
            if name in known and known[name].state == GAVE_UP]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def down(layout: Layout, say: Say) -> None:
    """Stop the supervisor (web apps first, then workers, then relays), then anything it left behind."""
    if control.stop(layout, os.environ):
        say("supervisor: stopped with every process it ran")
    # Processes of a supervisor that was killed, or started before supervision: stop them by their pid files.
    for kind in reversed(KINDS):
        for service in available_services():
            # Every copy with a pid file, however many copies the environment asks for now.
            for pid_file in sorted(layout.run.glob(f"{service}-{kind}*.pid")):
                if _copy_of(pid_file.stem, f"{service}-{kind}") and processes.stop(pid_file, timeout=5):
                    say(f"{pid_file.stem}: stopped")


def _copy_of(name: str, base: str) -> bool:
    return name == base or (name.startswith(base + "-") and name[len(base) + 1:].isdigit())


@dataclass(frozen=True)
class ProcessStatus:
    name: str
    running: bool
    supervised: ChildState | None
    log: Path
    health_url: str


def status(layout: Layout) -> list[ProcessStatus]:
    """Each process: running or not, what its supervisor knows, its log and its health URL."""
    known = control.states(layout)
    rows = []
    for service in available_services():
        for process in service_processes(service):
            running = processes.running(layout.pid_file(process.name))
            rows.append(ProcessStatus(process.name, running, known.get(process.name),
                                      layout.log_file(process.name), health_url(process)))
    return rows


def health_url(process: ServiceProcess) -> str:
    """Where to ask whether the process is fine: a web app's /readyz, a worker's own /healthz."""
    settings = settings_of(process.service)
    if process.kind == "api":
        return f"http://{settings.http_host}:{settings.http_port}/readyz"
    return f"http://{settings.http_host}:{health_port(process)}/healthz"


def health_state(url: str) -> str:
    """What the health URL answers: its status code, or "no answer" (readiness answers within ~2 s)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.status)
    except urllib.error.HTTPError as refused:
        with refused:
            return str(refused.code)
    except OSError:
        return "no answer"
