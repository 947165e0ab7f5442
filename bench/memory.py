"""Peak resident memory of every process of the stack, from the kernel's own high-water mark (VmHWM).

Read once at the end of the run: VmHWM is the peak over the process's life, so nothing is missed between
samples. A process's children (gunicorn workers, the JVM under a wrapper) are listed under it.
"""

from __future__ import annotations

from pathlib import Path

from shared.infra.processes import read_pid


def peak_rss(run_dir: Path) -> list[dict[str, object]]:
    """One row per process started from a pid file in `run_dir`, and one per descendant."""
    children = _children()
    rows: list[dict[str, object]] = []
    for pid_file in sorted(run_dir.glob("*.pid")):
        pid = read_pid(pid_file)
        if pid is None:
            continue
        for depth, member in _tree(pid, children):
            peak = _vm_hwm_mib(member)
            if peak is not None:
                label = pid_file.stem if depth == 0 else f"{pid_file.stem} / {_command(member)}"
                rows.append({"process": label, "pid": member, "peak_rss_mib": peak})
    return rows


def _tree(pid: int, children: dict[int, list[int]], depth: int = 0) -> list[tuple[int, int]]:
    found = [(depth, pid)]
    for child in children.get(pid, []):
        found.extend(_tree(child, children, depth + 1))
    return found


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _vm_hwm_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return str(pid)
