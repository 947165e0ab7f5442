"""`parcelbridge infra up|down|status|reset`: idempotent control of the local broker and store."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shared.infra import processes, stack_config
from shared.infra.components import Component, components
from shared.infra.layout import Layout

READY_TIMEOUT_S = 90.0
# SIGKILL after this: `make stop` has 15 s for everything (a broker on one node shuts down in a few seconds).
STOP_TIMEOUT_S = 5.0
Say = Callable[[str], None]


class InfraError(RuntimeError):
    """The local infrastructure could not be brought to the state asked for."""


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    ready: bool
    pid: int | None
    address: str
    log: str


def up(layout: Layout, say: Say) -> list[str]:
    """Install, configure, start and wait for every component; returns the names it started."""
    started = []
    for component in components(layout):
        if _start(component, layout, say):
            started.append(component.name)
    return started


def _start(component: Component, layout: Layout, say: Say) -> bool:
    pid_file = layout.pid_file(component.name)
    if processes.running(pid_file):
        processes.wait_until(lambda: component.ready() or not processes.running(pid_file), READY_TIMEOUT_S)
        if processes.running(pid_file):
            if not component.ready():
                raise InfraError(f"{component.name} is running but not answering; see {component.log_hint()}")
            say(f"{component.name}: already running at {component.address}")
            return False
        # It was shutting down when we looked: start it afresh.
    busy = [port for port in component.ports if processes.port_in_use(port)]
    if busy:
        raise InfraError(
            f"{component.name}: port {', '.join(map(str, busy))} is in use by another program; "
            "stop it or choose other ports (PARCELBRIDGE_KAFKA_PORT, PARCELBRIDGE_KAFKA_CONTROLLER_PORT, "
            "PARCELBRIDGE_FERRETDB_PORT)"
        )
    if not component.installed():
        say(f"{component.name}: installing (first run only)...")
        began = time.monotonic()
        component.install()
        say(f"{component.name}: installed in {time.monotonic() - began:.1f}s")
    component.prepare()
    began = time.monotonic()
    processes.start_detached(component.command(), layout.log_file(component.name), pid_file, env=component.env())
    if not processes.wait_until(lambda: component.ready() or not processes.running(pid_file), READY_TIMEOUT_S) \
            or not processes.running(pid_file):
        processes.stop(pid_file)
        raise InfraError(f"{component.name} did not become ready; see {component.log_hint()} "
                         f"and {layout.log_file(component.name)}")
    say(f"{component.name}: ready at {component.address} in {time.monotonic() - began:.1f}s "
        f"(log: {component.log_hint()})")
    return True


def down(layout: Layout, say: Say, timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop every component at once (neither needs the other to shut down); a stopped one is left alone."""
    pool = ThreadPoolExecutor(max_workers=2)
    stopping = {c.name: pool.submit(processes.stop, layout.pid_file(c.name), timeout) for c in components(layout)}
    pool.shutdown(wait=True)
    for name, stopped in stopping.items():
        say(f"{name}: {'stopped' if stopped.result() else 'not running'}")


def status(layout: Layout) -> list[ComponentStatus]:
    result = []
    for component in components(layout):
        pid_file = layout.pid_file(component.name)
        alive = processes.running(pid_file)
        result.append(ComponentStatus(
            name=component.name, running=alive, ready=alive and component.ready(),
            pid=processes.read_pid(pid_file) if alive else None, address=component.address,
            log=str(component.log_hint()),
        ))
    return result


def reset(layout: Layout, say: Say) -> None:
    """Stop everything and delete the broker's and the store's data (installed tools are kept)."""
    down(layout, say)
    for folder in (layout.kafka_data, layout.ferretdb_data, layout.ferretdb_state):
        shutil.rmtree(folder, ignore_errors=True)
    # The recorded configuration goes with the data: its secrets signed what the store holds.
    stack_config.path_in(layout.root).unlink(missing_ok=True)
    say(f"data and {stack_config.FILE_NAME} removed under {layout.root}")
