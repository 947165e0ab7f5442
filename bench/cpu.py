"""CPU seconds of every stack process by type, from the kernel's own counters (/proc/<pid>/stat).

Each process counts its user and system time plus that of its children it has reaped, so a gunicorn
worker that exits between two samples is still counted, in its parent's figure.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from bench.stack_processes import children, members, tree

BENCH = "bench (load generator)"
SIMULATOR = "simulator"
NOT_THE_STACK = (BENCH, SIMULATOR)  # measured beside the stack, never added to its total


def stat_ticks(stat_line: str) -> int:
    """utime + stime + cutime + cstime (fields 14-17) of one /proc/<pid>/stat line, in clock ticks."""
    fields = stat_line.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return sum(int(value) for value in fields[11:15])


def process_type(label: str) -> str:
    """`tracking-worker-3` -> `tracking-worker`: the copies of one consumer are one type."""
    head, _, tail = label.rpartition("-")
    return head if head and tail.isdigit() else label


def seconds_by_type(ticks: Iterable[tuple[str, int]], clock_ticks: int) -> dict[str, float]:
    """(label, ticks) of each process -> CPU seconds per process type."""
    found: dict[str, float] = {}
    for label, count in ticks:
        kind = process_type(label)
        found[kind] = found.get(kind, 0.0) + count / clock_ticks
    return found


def sample(run_dir: Path, extra: Mapping[str, int] | None = None) -> dict[str, float]:
    """CPU seconds so far of every stack process by type, the bench's own, and each `extra` {label: pid} tree."""
    found = [(stem, ticks) for stem, _depth, pid in members(run_dir) if (ticks := _ticks(pid)) is not None]
    found.append((BENCH, _ticks(os.getpid()) or 0))  # vegeta and the seeders, once reaped, are in it
    family = children()
    for label, root in (extra or {}).items():
        found += [(label, ticks) for _depth, pid in tree(root, family) if (ticks := _ticks(pid)) is not None]
    return seconds_by_type(found, os.sysconf("SC_CLK_TCK"))


def _ticks(pid: int) -> int | None:
    try:
        return stat_ticks(Path(f"/proc/{pid}/stat").read_text())
    except (OSError, IndexError, ValueError):
        return None  # gone between listing and reading: its time is in its parent's reaped children
