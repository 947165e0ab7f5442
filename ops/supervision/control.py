"""The side of `services up|down|status` that talks to a stack's supervisor: by its plan, pid file and state file."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from ops.infra import processes
from ops.infra.layout import PROJECT_ROOT, Layout
from ops.supervision import plan, policy, state

Say = Callable[[str], None]
SUPERVISOR = "ops.supervision.supervisor"


def folder(layout: Layout) -> Path:
    # Beside, not in, the run folder's *.pid: readers of those (the bench's CPU meter) would count the children twice.
    return layout.run / "supervisor"


def pid_file(layout: Layout) -> Path:
    return folder(layout) / "supervisor.pid"


def running(layout: Layout) -> bool:
    return processes.running(pid_file(layout))


def ensure(layout: Layout, specs: list[plan.ProcessSpec], environ: Mapping[str, str], say: Say) -> None:
    """Have the stack's supervisor run `specs` too: start it with `environ` (the stack's), or ask it to reload."""
    plan_file = folder(layout) / "plan.json"
    alive = running(layout)
    plan.write(plan_file, plan.merge(plan.read(plan_file) if alive else [], specs))
    if alive:
        os.kill(processes.read_pid(pid_file(layout)) or 0, signal.SIGHUP)
        say(f"supervisor: asked to run {', '.join(spec.name for spec in specs)}")
    else:
        (folder(layout) / "state.json").unlink(missing_ok=True)
        pid = processes.start_detached([sys.executable, "-m", SUPERVISOR, str(folder(layout))],
                                       layout.log_file("supervisor"), pid_file(layout), env=environ, cwd=PROJECT_ROOT)
        say(f"supervisor: started (pid {pid}, log {layout.log_file('supervisor')})")
    names = {spec.name for spec in specs}
    if not processes.wait_until(lambda: names <= set(states(layout)), 30.0, interval=0.1):
        raise RuntimeError(f"the supervisor did not take up {', '.join(sorted(names))}; "
                           f"see {layout.log_file('supervisor')}")


def stop(layout: Layout, environ: Mapping[str, str]) -> bool:
    """SIGTERM the supervisor, which stops its children within its grace; True if one was running."""
    grace = policy.load_policy(environ).stop_grace_s
    stopped = processes.stop(pid_file(layout), timeout=grace + 2.0)
    (folder(layout) / "plan.json").unlink(missing_ok=True)
    return stopped


def states(layout: Layout) -> dict[str, state.ChildState]:
    """What the supervisor last wrote; nothing when no supervisor runs (its file would be stale)."""
    path = folder(layout) / "state.json"
    if not running(layout) or not path.exists():
        return {}
    return state.loads(path.read_text())
