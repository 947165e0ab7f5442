"""Every process of the bench stack: one per pid file in its run folder, with all its descendants.

A process's children (gunicorn workers, the JVM under a wrapper) belong to the pid file that started them.
"""

from __future__ import annotations

from pathlib import Path

from ops.infra.processes import read_pid


def members(run_dir: Path) -> list[tuple[str, int, int]]:
    """(pid file stem, depth below it, pid) for every live process started from a pid file in `run_dir`."""
    family = children()
    found: list[tuple[str, int, int]] = []
    for pid_file in sorted(run_dir.glob("*.pid")):
        pid = read_pid(pid_file)
        if pid is not None:
            found += [(pid_file.stem, depth, member) for depth, member in tree(pid, family)]
    return found


def tree(pid: int, family: dict[int, list[int]], depth: int = 0) -> list[tuple[int, int]]:
    """(depth, pid) of `pid` and every descendant in `family` (pid -> child pids), parents first."""
    found = [(depth, pid)]
    for child in family.get(pid, []):
        found.extend(tree(child, family, depth + 1))
    return found


def children() -> dict[int, list[int]]:
    """pid -> its child pids, for every process on the machine."""
    found: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        found.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return found


def command(pid: int) -> str:
    """The process's short name (`comm`), or its pid if it has gone."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return str(pid)
