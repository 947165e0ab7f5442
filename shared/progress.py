"""Progress of a long command: live bars on a terminal, a plain line per step every few seconds elsewhere.

Without a terminal (CI, `make bench > log`, a pipe) rich draws nothing until the end, so a 25-minute run looked
dead; there every unfinished task prints its count periodically, and each task one last line when it finishes.
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import Progress, ProgressColumn, Task

LINE_EVERY_S = 5.0


def progress(console: Console, *columns: str | ProgressColumn) -> Progress:
    """Bars when `console` writes to a terminal, else periodic lines."""
    if console.is_terminal:
        return Progress(*columns, console=console)
    return LineProgress(*columns, console=console)


def line(task: Task) -> str:
    """`orders at 10/s: 120/300, 12 s` — the count, the total when there is one, the time so far."""
    total = f"/{task.total:.0f}" if task.total is not None else ""
    detail = f" {task.fields['detail']}" if task.fields.get("detail") else ""
    return f"{task.description.strip()}: {task.completed:.0f}{total}{detail}, {task.elapsed or 0:.0f} s"


class LineProgress(Progress):
    """A Progress that never draws a bar: a background thread prints `line(task)` every `every_s` seconds."""

    def __init__(self, *columns: str | ProgressColumn, console: Console, every_s: float = LINE_EVERY_S):
        super().__init__(*columns, console=console, disable=True)
        self.every_s = every_s
        self._quit = threading.Event()
        self._reported: set[int] = set()
        self._printer: threading.Thread | None = None

    def start(self) -> None:
        super().start()
        self._printer = threading.Thread(target=self._print_periodically, name="progress-lines", daemon=True)
        self._printer.start()

    def stop(self) -> None:
        self._quit.set()
        if self._printer is not None:
            self._printer.join()
        self.report()
        super().stop()

    def report(self) -> None:
        """One line per task still running, and a last one for each task finished since the previous report."""
        with self._lock:
            tasks = [task for task in self._tasks.values() if task.id not in self._reported and task.started]
        for task in tasks:
            if task.finished:
                self._reported.add(task.id)
            self.console.print(line(task), highlight=False, markup=False)

    def _print_periodically(self) -> None:
        while not self._quit.wait(self.every_s):
            self.report()
