"""The consumer scale-out curve from its measured points: speedup, efficiency, where it flattens and why (pure)."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

# Doubling the consumers should nearly double the rate; a doubling that adds less than this has flattened.
FLAT_GAIN = 1.25
# The stack is CPU-bound when its processes keep at least this share of the machine's cores busy.
SATURATED_SHARE = 0.85

Point = dict[str, Any]  # consumers, partitions, scans, seconds, scans_per_s, stack_cores, machine_cores, busiest


def cpu_jiffies(proc_stat: str) -> tuple[int, int]:
    """(busy, total) clock ticks of all cores from /proc/stat's first line; idle and iowait are not busy."""
    fields = [int(value) for value in proc_stat.splitlines()[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def busy_cores(before: tuple[int, int], after: tuple[int, int], cores: int) -> float:
    """How many of the machine's cores were busy between two cpu_jiffies readings, whoever kept them busy."""
    total = after[1] - before[1]
    return round((after[0] - before[0]) / total * cores, 2) if total else 0.0


def curve(points: list[Point], cores: int) -> dict[str, Any]:
    """Each point with its speedup and efficiency over the fewest consumers; where and why the curve flattens."""
    ordered = sorted(points, key=lambda p: p["consumers"])
    first = ordered[0]
    rows = [{**p, "speedup": round(p["scans_per_s"] / first["scans_per_s"], 2),
             "efficiency": round(p["scans_per_s"] / first["scans_per_s"] * first["consumers"] / p["consumers"], 2)}
            for p in ordered]
    at = flattens_at(ordered)
    return {"points": rows, "cores": cores, "flattens_at": at,
            "why": why(next((p for p in ordered if p["consumers"] == at), ordered[-1]), cores, at)}


def flattens_at(points: list[Point]) -> int | None:
    """The first consumer count whose rate grew less than FLAT_GAIN per doubling over the previous point."""
    for before, after in pairwise(points):
        doublings = math.log2(after["consumers"] / before["consumers"])
        if after["scans_per_s"] < before["scans_per_s"] * FLAT_GAIN ** doublings:
            return after["consumers"]
    return None


def why(point: Point, cores: int, at: int | None) -> str:
    """A sentence naming what the flattened point ran out of (or that it did not flatten)."""
    busy = (f"the machine's {cores} cores were {point['machine_cores']:.2f} busy, {point['stack_cores']:.2f} of them "
            f"with the stack")
    if at is None:
        return f"no flattening up to {point['consumers']} consumers ({busy}; busiest: {point['busiest']})"
    if point["machine_cores"] >= SATURATED_SHARE * cores:
        # On a shared machine other work may hold the cores: the stack's own share says how much was its own.
        return (f"flattens at {at} consumers: CPU-bound — {busy}, the busiest stack process being "
                f"{point['busiest']}; more consumers only share the same cores")
    return (f"flattens at {at} consumers without using every core ({busy}; busiest: {point['busiest']}): "
            "the consumers wait on a shared resource (the store serialises writes, see the store ceiling)")


def busiest(cpu_ms_per_unit: dict[str, float | None], exclude: tuple[str, ...]) -> str:
    """The stack process type that spent the most CPU per scan, with its share."""
    mine = {kind: ms or 0.0 for kind, ms in cpu_ms_per_unit.items() if kind not in exclude}
    if not mine:
        return "n/a"
    kind = max(mine, key=mine.get)
    total = sum(mine.values())
    return f"{kind} ({mine[kind] / total:.0%} of the stack's CPU)" if total else kind


def markdown(scale_out: dict[str, Any] | None) -> list[str]:
    """The report's section: one row per consumer count, then where and why it flattened."""
    if not scale_out:
        return []
    rows = [f"| {p['consumers']} | {p['partitions']} | {p['scans']:,} | {p['seconds']:,.1f} | "
            f"{p['scans_per_s']:,.1f} | {p['speedup']:.2f}x | {p['efficiency']:.0%} | {p['machine_cores']:.2f} | "
            f"{p['stack_cores']:.2f} | "
            f"{p['busiest']} |" for p in scale_out["points"]]
    return [
        "## Consumer scale-out (issue 14)", "",
        f"The topic → tracker scan path on a fresh stack per point, with 1, 2 and 4 tracking consumer processes "
        f"in one group and `carrier-scans.v1` created with {scale_out['points'][0]['partitions']} partitions "
        "(every count divides them evenly). Each point is timed until the group's lag is zero.", "",
        "| tracking consumers | partitions | scans | seconds | scans/s | speedup | efficiency | machine cores busy "
        "| of them the stack | busiest process |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows, "",
        f"On {scale_out['cores']} cores: {scale_out['why']}."
        + (" A --quick run's points last seconds: read the curve's shape, not its figures." if scale_out.get("quick")
           else ""), "",
    ]
