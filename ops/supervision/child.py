"""One supervised process: started in its own session, its output appended to its log, its pid in its pid file."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ops.supervision.plan import ProcessSpec
from ops.supervision.state import ChildState


@dataclass
class Child:
    spec: ProcessSpec
    state: ChildState
    process: subprocess.Popen | None = None
    exits: list[float] = field(default_factory=list)  # monotonic times of unexpected exits
    due: float | None = None  # monotonic time of the next start while backing off

    def start(self) -> int:
        if self.spec.fresh_dir:
            shutil.rmtree(self.spec.fresh_dir, ignore_errors=True)
            Path(self.spec.fresh_dir).mkdir(parents=True)
        log = Path(self.spec.log_file)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                list(self.spec.command), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, env={**os.environ, **self.spec.env}, cwd=self.spec.cwd,
            )
        Path(self.spec.pid_file).write_text(str(self.process.pid))
        return self.process.pid

    def returncode(self) -> int | None:
        """The exit status once the process has ended (reaping it), else None."""
        return None if self.process is None else self.process.poll()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        """Signal the process and everything in its session (a web app's forked workers)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def forget(self) -> None:
        """After an exit: no survivor of its group may keep its port, and its pid file must not point at a stranger."""
        self.signal_group(signal.SIGKILL)
        Path(self.spec.pid_file).unlink(missing_ok=True)
        self.process = None
