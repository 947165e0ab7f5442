"""Peak resident memory of every process of the stack, from the kernel's own high-water mark (VmHWM).

Read once at the end of the run: VmHWM is the peak over the process's life, so nothing is missed between
samples. A process's children (gunicorn workers, the JVM under a wrapper) are listed under it.
"""

from __future__ import annotations

from pathlib import Path

from bench.stack_processes import command, members


def peak_rss(run_dir: Path) -> list[dict[str, object]]:
    """One row per process started from a pid file in `run_dir`, and one per descendant."""
    rows: list[dict[str, object]] = []
    for stem, depth, pid in members(run_dir):
        peak = _vm_hwm_mib(pid)
        if peak is not None:
            label = stem if depth == 0 else f"{stem} / {command(pid)}"
            rows.append({"process": label, "pid": pid, "peak_rss_mib": peak})
    return rows


def _vm_hwm_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
