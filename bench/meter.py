"""Samples of the cost model's two counters, taken together: the store's commands and the stack's CPU."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench import cpu, settle, store_counters, unit_cost
from bench.stack import Bench
from bench.unit_cost import Sample


@dataclass(frozen=True)
class Start:
    """Where a workload's window begins, and how long the stack took to settle before it."""

    sample: Sample
    settled: dict[str, float | bool]


class Meter:
    """Samples one bench stack; knows its quiet background once `measure_background` ran."""

    def __init__(self, bench: Bench, quiet_s: float, settle_timeout_s: float):
        self.bench, self.quiet_s, self.settle_timeout_s = bench, quiet_s, settle_timeout_s
        self.background: dict[str, Any] = {}

    def sample(self, extra: Mapping[str, int] | None = None) -> Sample:
        """Both counters now; `extra` {label: pid} adds processes outside the stack (the simulator)."""
        return Sample(time.monotonic(), store_counters.fetch(self.bench.metrics_url),
                      cpu.sample(self.bench.stack.logs.parent / "run", extra))

    def settle(self) -> dict[str, float | bool]:
        """Wait until every service has finished what it was given (see settle.py)."""
        return settle.wait(self.bench.kafka, self.quiet_s, self.settle_timeout_s)

    def measure_background(self, seconds: float) -> dict[str, Any]:
        """The stack's rates with no traffic, once settled; kept for the net figures of every later workload."""
        settled = self.settle()
        before = self.sample()
        time.sleep(seconds)
        self.background = unit_cost.rates(before, self.sample()) | {"settled_first": settled}
        return self.background

    def begin(self) -> Start:
        """Where to measure a workload from, once the stack has settled (earlier work kept out of it)."""
        settled = self.settle()
        return Start(self.sample(), settled)

    def cost(self, start: Start, units: int, settle: bool = True) -> dict[str, Any]:
        """Per-unit figures from `start` until now; with `settle`, once the stack has finished the workload's
        consequences (the settling is in the window, and the background takes it out of the net figures)."""
        settled = self.settle() if settle else None
        return unit_cost.per_unit(start.sample, self.sample(), units, self.background) | {
            "settled_before": start.settled, "settled_after": settled}
