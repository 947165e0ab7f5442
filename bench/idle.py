"""Idle is not free: the whole stack's CPU and store commands with the simulator at `make run`'s rate.

The simulator is started as `parcelbridge run` starts it (orders at 0.5/s, 1 % malformed pushes), against
the bench stack; after a warm-up (its group join, the first parcels' scans) one window is measured. Its own
CPU and the bench's are reported beside the stack's, not in it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import cpu, unit_cost
from bench.meter import Meter
from bench.stack import Bench
from ops.infra.layout import PROJECT_ROOT

P_MALFORMED = "0.01"  # as `parcelbridge run` (SIMULATOR_P_MALFORMED's default)


def measure(bench: Bench, meter: Meter, rate: float, warm_up_s: float, window_s: float,
            advance: Callable[[int], None]) -> dict[str, Any]:
    """Settle, start the simulator, warm up, then the stack's rates over `window_s`."""
    settled = meter.settle()
    with _Simulator(bench, rate) as simulator:
        _sleep(warm_up_s, advance)
        before = meter.sample({cpu.SIMULATOR: simulator.pid})
        _sleep(window_s, advance)
        after = meter.sample({cpu.SIMULATOR: simulator.pid})
        alive = simulator.poll() is None
    return {"simulator_rate_per_s": rate, "warm_up_s": warm_up_s, "settled_first": settled,
            "simulator_ran_throughout": alive, **unit_cost.rates(before, after)}


class _Simulator:
    """The simulator as a child process for the duration of a `with`; interrupted (as Ctrl-C) at the end."""

    def __init__(self, bench: Bench, rate: float):
        self.command = [sys.executable, "-m", "ops.cli.main", "simulate", "--api-key", bench.api_key,
                        "--orders", "0", "--rate", f"{rate:g}", "--p-malformed", P_MALFORMED,
                        "--orders-url", bench.url("orders"), "--tracking-url", bench.url("tracking"),
                        "--kafka-bootstrap", bench.stack.kafka, "--log-level", "ERROR"]
        self.env, self.log_path = bench.stack.env, bench.stack.logs / "bench-simulator.log"

    def __enter__(self) -> subprocess.Popen:
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, env=self.env, cwd=PROJECT_ROOT, stdout=self.log,
                                        stderr=self.log)
        return self.process

    def __exit__(self, *_exc: object) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _sleep(seconds: float, advance: Callable[[int], None]) -> None:
    """Sleep whole seconds, advancing a progress bar by one each."""
    for _ in range(round(seconds)):
        time.sleep(1)
        advance(1)
