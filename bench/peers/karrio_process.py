"""Running the peer's commands and servers: each one's output in its own log, a failure carrying the log's tail."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

EXCERPT_LINES = 40
STOP_TIMEOUT_S = 30


class PeerFailed(RuntimeError):
    """A peer step failed; `step` names it and `log` is where its output went (quoted in the report)."""

    def __init__(self, step: str, message: str, log: Path | None = None):
        super().__init__(message)
        self.step = step
        self.log = log


def excerpt(log: Path | None, lines: int = EXCERPT_LINES) -> str:
    """The last `lines` lines of a log (empty when there is none yet)."""
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def run_logged(step: str, command: list[str], log: Path, env: Mapping[str, str] | None = None,
               cwd: Path | None = None, on_line: Callable[[str], None] | None = None) -> str:
    """Run to the end, every output line appended to `log` (and handed to `on_line`); its output, or PeerFailed."""
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    with log.open("a") as sink:
        sink.write(f"\n$ {' '.join(command)}\n")
        sink.flush()
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                              cwd=cwd) as process:
            for line in process.stdout:
                sink.write(line)
                lines.append(line)
                if on_line:
                    on_line(line)
    if process.returncode != 0:
        raise PeerFailed(step, f"`{' '.join(command[:3])} …` exited {process.returncode}", log)
    return "".join(lines)


def start_logged(command: list[str], log: Path, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> subprocess.Popen:
    """Start a server in its own session (so its workers stop with it), its output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as sink:
        sink.write(f"\n$ {' '.join(command)}\n")
        sink.flush()
        return subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's whole process group, SIGKILL if it is still there after STOP_TIMEOUT_S."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
