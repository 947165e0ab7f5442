"""The faults: which process gets kill -9, and how each is brought back the supported way."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from ops.infra import processes
from ops.infra.isolated import IsolatedStack


@dataclass(frozen=True)
class Fault:
    name: str
    pid_name: str  # the pid file (under the stack's run/) of the process killed, or of its gunicorn master
    kind: str  # "process": a service process; "web worker": a child of a gunicorn master; "infra"
    outage: float  # seconds between the kill and bringing it back

    @property
    def is_infra(self) -> bool:
        return self.kind == "infra"


def _process(name: str) -> Fault:
    return Fault(name, name, "process", 2.0)


# One at a time, in this order. The store and the broker come early: their outage touches every process, so a
# run cut short by its time budget on a slow machine still judges them.
FAULTS: tuple[Fault, ...] = (
    Fault("orders-api web worker", "orders-api", "web worker", 0.0),
    _process("orders-worker"),
    Fault("ferretdb", "ferretdb", "infra", 5.0),
    Fault("kafka", "kafka", "infra", 5.0),
    *(_process(f"{service}-worker") for service in ("shipping", "tracking", "console")),
    *(_process(f"{service}-relay") for service in ("orders", "shipping", "tracking", "console")),
    _process("orders-deliver"),
)


def pid_file(stack: IsolatedStack, name: str) -> Path:
    return Path(stack.env["PARCELBRIDGE_DATA_DIR"]) / "run" / f"{name}.pid"


def service_pids(stack: IsolatedStack) -> dict[str, int | None]:
    """Every service process's pid as its pid file says, None when it is not running."""
    run = Path(stack.env["PARCELBRIDGE_DATA_DIR"]) / "run"
    pids = {}
    for path in sorted(run.glob("*.pid")):
        pid = processes.read_pid(path)
        pids[path.stem] = pid if processes.is_alive(pid) else None
    return pids


def kill(stack: IsolatedStack, fault: Fault) -> int:
    """kill -9 the fault's process (for a web worker: one worker of the master); the pid killed."""
    pid = processes.read_pid(pid_file(stack, fault.pid_name))
    if not processes.is_alive(pid):
        raise RuntimeError(f"{fault.name}: not running before the fault (pid file {fault.pid_name})")
    assert pid is not None
    if fault.kind == "web worker":
        pid = _children(pid)[0]
    os.kill(pid, signal.SIGKILL)
    return pid


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    if not found:
        raise RuntimeError(f"gunicorn master {pid} has no worker")
    return [int(child) for child in found]


def bring_back(stack: IsolatedStack, fault: Fault) -> None:
    """The supported way back: `infra up` for the store and the broker, supervision for a process."""
    if fault.is_infra:
        stack.cli("infra", "up")
    elif fault.kind == "process":
        wait_until_supervisor_restarted(stack)
    # A web worker's master (gunicorn) starts a new worker by itself.


def wait_until_supervisor_restarted(stack: IsolatedStack, timeout: float = 60.0) -> None:
    """Supervision brings a killed process back: wait until every service process's pid file names a live one.

    Nothing is started here. The stack's supervisor restarts whatever exits (with backoff), so a process still
    dead after `timeout` means supervision failed or gave it up, and the caller judges that.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [name for name, pid in service_pids(stack).items() if pid is None]
        if not dead:
            return
        time.sleep(0.2)
    raise RuntimeError(f"not restarted by the supervisor within {timeout:.0f}s: {', '.join(dead)}")
