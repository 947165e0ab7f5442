"""What the supervisor knows of each process, as written to its state file and shown by `services status`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

RUNNING, BACKOFF, GAVE_UP, STOPPED = "running", "backoff", "gave-up", "stopped"


@dataclass(frozen=True)
class ChildState:
    name: str
    state: str = STOPPED
    pid: int | None = None
    restarts: int = 0
    started_at: float | None = None  # wall-clock seconds of the current (or last) start
    last_exit: str = ""  # "exit code 1", "signal 9"; empty until it first exits

    def started(self, pid: int, at: float, restart: bool) -> ChildState:
        return replace(self, state=RUNNING, pid=pid, started_at=at, restarts=self.restarts + int(restart))

    def exited(self, how: str, state: str) -> ChildState:
        return replace(self, state=state, pid=None, last_exit=how)


def exit_text(returncode: int) -> str:
    """How a process ended, from Popen's return code (negative: the signal that ended it)."""
    return f"signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


def uptime_text(seconds: float) -> str:
    """A short duration: 45s, 3m07s, 2h05m, 3d04h."""
    whole = max(int(seconds), 0)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def status_cells(child: ChildState | None, now: float) -> tuple[str, str, str]:
    """(state, restarts, uptime) for one row of `services status`; a process the supervisor never saw is "-"."""
    if child is None:
        return ("not supervised", "-", "-")
    uptime = uptime_text(now - child.started_at) if child.state == RUNNING and child.started_at else "-"
    state = child.state if not child.last_exit or child.state == RUNNING else f"{child.state} ({child.last_exit})"
    return (state, str(child.restarts), uptime)


def dumps(children: dict[str, ChildState], supervisor_pid: int, now: float) -> str:
    return json.dumps({"supervisor_pid": supervisor_pid, "written_at": now,
                       "processes": [asdict(child) for child in children.values()]}, indent=1)


def loads(text: str) -> dict[str, ChildState]:
    return {row["name"]: ChildState(**row) for row in json.loads(text)["processes"]}
