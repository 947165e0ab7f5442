"""The supervisor process on its own, with stand-in children: restart on exit, give up, stop within its grace.

No broker or store: the children are small shell commands, so the rules are seen at the process level in seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.supervision import plan

pytestmark = pytest.mark.integration
FAST = {"SUPERVISOR_FIRST_DELAY_SECONDS": "0.1", "SUPERVISOR_MAX_FAILURES": "3",
        "SUPERVISOR_STOP_GRACE_SECONDS": "2"}


def _spec(folder: Path, name: str, script: str, tier: int = 0) -> plan.ProcessSpec:
    return plan.ProcessSpec(name=name, command=("bash", "-c", script), log_file=str(folder / f"{name}.log"),
                            pid_file=str(folder / f"{name}.pid"), cwd=str(folder), tier=tier,
                            env={"CHILD_NAME": name})


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator:
    started: list[subprocess.Popen] = []

    def _start(*specs: plan.ProcessSpec) -> subprocess.Popen:
        plan.write(tmp_path / "plan.json", list(specs))
        with open(tmp_path / "supervisor.log", "ab") as log:
            process = subprocess.Popen([sys.executable, "-m", "ops.supervision.supervisor", str(tmp_path)],
                                       env={**os.environ, **FAST}, stderr=log)
        started.append(process)
        return process

    yield _start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _states(folder: Path) -> dict[str, dict]:
    path = folder / "state.json"
    return {row["name"]: row for row in json.loads(path.read_text())["processes"]} if path.exists() else {}


def _wait_for(check, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_killed_child_is_started_again_with_its_environment_and_counted(supervise, tmp_path: Path):
    supervise(_spec(tmp_path, "steady", 'echo "$CHILD_NAME $$" >> started; exec sleep 60'))
    assert _wait_for(lambda: (tmp_path / "steady.pid").exists() and _states(tmp_path).get("steady"))
    first = int((tmp_path / "steady.pid").read_text())

    os.kill(first, signal.SIGKILL)

    assert _wait_for(lambda: _states(tmp_path)["steady"]["restarts"] == 1
                     and _states(tmp_path)["steady"]["state"] == "running")
    lines = (tmp_path / "started").read_text().split()
    assert lines[0::2] == ["steady", "steady"]
    assert int((tmp_path / "steady.pid").read_text()) == _states(tmp_path)["steady"]["pid"] != first
    restarts = [json.loads(line) for line in (tmp_path / "supervisor.log").read_text().splitlines()
                if '"process restarted"' in line]
    assert [(entry["child"], entry["restarts"]) for entry in restarts] == [("steady", 1)]


def test_a_child_failing_at_once_is_given_up_after_the_nth_failure(supervise, tmp_path: Path):
    supervise(_spec(tmp_path, "broken", "exit 3"), _spec(tmp_path, "steady", "exec sleep 60"))

    assert _wait_for(lambda: _states(tmp_path).get("broken", {}).get("state") == "gave-up")
    time.sleep(0.5)  # nothing more happens to a given-up child
    broken = _states(tmp_path)["broken"]
    assert (broken["restarts"], broken["last_exit"], broken["pid"]) == (2, "exit code 3", None)
    assert not (tmp_path / "broken.pid").exists()
    assert _states(tmp_path)["steady"]["state"] == "running"


def test_stop_kills_a_child_that_ignores_sigterm_once_the_grace_is_over(supervise, tmp_path: Path):
    supervisor = supervise(_spec(tmp_path, "web", "exec sleep 60"),
                           _spec(tmp_path, "stubborn", "trap '' TERM; while true; do sleep 0.1; done", tier=1))
    assert _wait_for(lambda: all(row["state"] == "running" for row in _states(tmp_path).values())
                     and len(_states(tmp_path)) == 2)
    pids = [int((tmp_path / f"{name}.pid").read_text()) for name in ("web", "stubborn")]

    began = time.monotonic()
    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=10)
    took = time.monotonic() - began

    assert 2.0 <= took < 4.0  # the 2 s grace, then SIGKILL, with room for a loaded machine
    assert [pid for pid in pids if _alive(pid)] == []
    assert {row["state"] for row in _states(tmp_path).values()} == {"stopped"}
    assert list(tmp_path.glob("*.pid")) == []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
