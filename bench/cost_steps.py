"""The cost model's own steps in a run: the quiet background, an order's cost, and the idle stack."""

from __future__ import annotations

from typing import Any

from rich.progress import Progress

from bench import bars, idle, order_cost
from bench.config import BenchConfig
from bench.meter import Meter
from bench.stack import Bench


def background(meter: Meter, config: BenchConfig, bar: Progress) -> dict[str, Any]:
    """The stack's commands and CPU with no traffic, once settled (the net figures take it out)."""
    task = bar.add_task(f"quiet background ({config.background_s:g} s, once settled)", total=1)
    found = meter.measure_background(config.background_s)
    bar.advance(task)
    return found


def orders(bench: Bench, meter: Meter, config: BenchConfig, bar: Progress) -> dict[str, Any]:
    """Store commands and CPU per order end to end, with nobody polling (see order_cost.py)."""
    rate, duration = config.cost_order_rate, config.cost_order_duration_s
    return bars.step(bar, f"order cost at {rate:g}/s, nobody polling", round(rate * duration),
                     lambda tick: order_cost.run(bench, meter, rate, duration, tick))


def idle_stack(bench: Bench, meter: Meter, config: BenchConfig, bar: Progress) -> dict[str, Any]:
    """The whole stack's CPU with the simulator at `make run`'s rate (see idle.py)."""
    seconds = round(config.idle_warm_up_s + config.idle_window_s)
    return bars.step(bar, f"idle stack, simulator at {config.idle_rate:g} orders/s", seconds,
                     lambda tick: idle.measure(bench, meter, config.idle_rate, config.idle_warm_up_s,
                                               config.idle_window_s, tick))
