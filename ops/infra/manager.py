"""`parcelbridge infra up|down|status|reset`: idempotent control of the local broker and store."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ops.infra import processes, stack_config
from ops.infra.components import Component, components
from ops.infra.layout import Layout

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
    """Install, configure, start and wait for every component; returns the names it started.

    Every component is started before any is waited for: a cluster's nodes answer only once a quorum of them runs.
    """
    layout.run.mkdir(parents=True, exist_ok=True)
    layout.kafka_brokers_record.write_text(f"{layout.settings.kafka_brokers}\n")
    launched = [(component, time.monotonic()) for component in components(layout) if _launch(component, layout, say)]
    try:
        for component, began in launched:
            _await(component, layout, began, say)
    except InfraError:
        for component, _ in launched:
            processes.stop(layout.pid_file(component.name))
        raise
    return [component.name for component, _ in launched]


def _launch(component: Component, layout: Layout, say: Say) -> bool:
    """Start the component unless it already runs and answers; True when it was started."""
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
    start(component, layout)
    return True


def start(component: Component, layout: Layout) -> int:
    """Start an installed, prepared component in the background; returns its pid."""
    return processes.start_detached(component.command(), layout.log_file(component.name),
                                    layout.pid_file(component.name), env=component.env())


def _await(component: Component, layout: Layout, began: float, say: Say) -> None:
    pid_file = layout.pid_file(component.name)
    if not processes.wait_until(lambda: component.ready() or not processes.running(pid_file), READY_TIMEOUT_S) \
            or not processes.running(pid_file):
        raise InfraError(f"{component.name} did not become ready; see {component.log_hint()} "
                         f"and {layout.log_file(component.name)}")
    say(f"{component.name}: ready at {component.address} in {time.monotonic() - began:.1f}s "
        f"(log: {component.log_hint()})")


def down(layout: Layout, say: Say, timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop the store and every Kafka node that has a pid file (whatever the cluster's size is now set to), all at
    once: none needs another to shut down, and `make stop` has 15 s in all."""
    nodes = sorted(layout.run.glob("kafka*.pid")) if layout.run.exists() else []
    named = [(c.name, layout.pid_file(c.name)) for c in reversed(components(layout))]
    extra = [(p.stem, p) for p in nodes if p.stem not in dict(named) and _is_node(p.stem)]
    targets = [*named, *extra]
    pool = ThreadPoolExecutor(max_workers=len(targets))
    stopping = {name: pool.submit(processes.stop, pid_file, timeout) for name, pid_file in targets}
    pool.shutdown(wait=True)
    for name, stopped in stopping.items():
        say(f"{name}: {'stopped' if stopped.result() else 'not running'}")


def _is_node(name: str) -> bool:
    return name == "kafka" or (name.startswith("kafka-") and name[len("kafka-"):].isdigit())


def status(layout: Layout) -> list[ComponentStatus]:
    """Every component of the last `up` (all its Kafka nodes), running or not."""
    result = []
    for component in components(recorded(layout)):
        pid_file = layout.pid_file(component.name)
        alive = processes.running(pid_file)
        result.append(ComponentStatus(
            name=component.name, running=alive, ready=alive and component.ready(),
            pid=processes.read_pid(pid_file) if alive else None, address=component.address,
            log=str(component.log_hint()),
        ))
    return result


def recorded(layout: Layout) -> Layout:
    """The layout with as many Kafka nodes as the last `infra up` started (the settings' count if none did)."""
    try:
        count = int(layout.kafka_brokers_record.read_text().strip())
    except (FileNotFoundError, ValueError):
        return layout
    return replace(layout, settings=replace(layout.settings, kafka_brokers=count))


def reset(layout: Layout, say: Say) -> None:
    """Stop everything and delete the broker's and the store's data (installed tools are kept)."""
    down(layout, say)
    for folder in (layout.kafka_data, layout.kafka_cluster, layout.ferretdb_data, layout.ferretdb_state):
        shutil.rmtree(folder, ignore_errors=True)
    layout.kafka_brokers_record.unlink(missing_ok=True)
    # The recorded configuration goes with the data: its secrets signed what the store holds.
    stack_config.path_in(layout.root).unlink(missing_ok=True)
    say(f"data and {stack_config.FILE_NAME} removed under {layout.root}")
