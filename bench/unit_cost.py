"""Per-unit arithmetic of the cost model: two samples of the store's counters and CPU, and what lay between.

A workload's figures are gross (everything the stack did in its window, over the units it handled); the
quiet background (relay sweeps, pollers, driver heartbeats) measured with no traffic is given beside them, and
the net figures take it out, pro rata to the window's length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.cpu import NOT_THE_STACK


@dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic() when taken
    commands: Mapping[str, float]  # store requests so far, by command name
    cpu_s: Mapping[str, float]  # CPU seconds so far, by process type


def delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """What each counter grew by (a counter absent before started at 0); unchanged counters left out."""
    grown = {key: value - before.get(key, 0.0) for key, value in after.items()}
    return {key: value for key, value in grown.items() if value}


def stack_total(cpu_s: Mapping[str, float]) -> float:
    """CPU seconds of the stack's own processes (not the bench's, not the simulator's)."""
    return sum(value for kind, value in cpu_s.items() if kind not in NOT_THE_STACK)


def rates(before: Sample, after: Sample) -> dict[str, Any]:
    """Store commands per second and each process type's share of one core, between two samples."""
    seconds = after.at - before.at
    commands, cpu = delta(before.commands, after.commands), delta(before.cpu_s, after.cpu_s)
    return {
        "seconds": round(seconds, 1),
        "commands_per_s": _sorted({name: round(n / seconds, 2) for name, n in commands.items()}),
        "commands_total_per_s": round(sum(commands.values()) / seconds, 2),
        "core_share": _sorted({kind: round(s / seconds, 4) for kind, s in cpu.items()}),
        "stack_core_share": round(stack_total(cpu) / seconds, 4),
    }


def per_unit(before: Sample, after: Sample, units: int, background: Mapping[str, Any]) -> dict[str, Any]:
    """Store commands and CPU-ms per unit between two samples, gross and net of `background` (see rates)."""
    seconds = after.at - before.at
    commands, cpu = delta(before.commands, after.commands), delta(before.cpu_s, after.cpu_s)
    total, stack_s = sum(commands.values()), stack_total(cpu)
    return {
        "units": units, "seconds": round(seconds, 1),
        "commands_per_unit": _sorted({name: _per(n, units) for name, n in commands.items()}),
        "commands_total_per_unit": _per(total, units),
        "commands_net_per_unit": _per(total - background["commands_total_per_s"] * seconds, units),
        "cpu_ms_per_unit": _sorted({kind: _per(s * 1000, units, 3) for kind, s in cpu.items()}),
        "stack_cpu_ms_per_unit": _per(stack_s * 1000, units, 3),
        "stack_cpu_net_ms_per_unit": _per((stack_s - background["stack_core_share"] * seconds) * 1000, units, 3),
    }


def _per(amount: float, units: int, digits: int = 2) -> float | None:
    return round(amount / units, digits) if units else None  # no unit handled: no cost per unit to speak of


def _sorted(values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Largest first, so the JSON reads like the report."""
    return dict(sorted(values.items(), key=lambda item: -(item[1] or 0.0)))
