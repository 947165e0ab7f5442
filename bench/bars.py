"""The bench's progress bars: one bar per step, advanced by the step's own progress callback."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared import progress as shared_progress

Tick = Callable[[int], None]


def rate_bar(bar: Progress, label: str, total: float) -> Tick:
    task = bar.add_task(label, total=round(total))
    return lambda n: bar.advance(task, n)


def step(bar: Progress, label: str, total: int, work: Callable[[Tick], Any]) -> Any:
    task = bar.add_task(label, total=total)
    began = time.perf_counter()
    done = work(lambda n: bar.advance(task, n))
    bar.update(task, completed=total, description=f"{label} ({time.perf_counter() - began:.0f} s)")
    return done


def progress(console: Console) -> Progress:
    """Bars on a terminal; without one, a line per running step every few seconds (see shared.progress)."""
    return shared_progress.progress(console, TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TimeElapsedColumn())
