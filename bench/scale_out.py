"""Consumer scale-out: the topic → tracker scan path with 1, 2 and 4 tracking consumers, one fresh stack each.

A stack's consumer count is fixed when it starts (TRACKING_CONSUMERS), so each point gets its own isolated stack
on the bench's port block once the main run's stack has stopped (or on BENCH_SCALE_OUT_PORT_BASE's, when set).
`carrier-scans.v1` is created with enough partitions for every count to get an even share before the services
start (they then create nothing).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import parcels, scale_out_curve, scans
from bench.carrier_traffic import traffic
from bench.config import BenchConfig
from bench.cpu import NOT_THE_STACK
from bench.meter import Meter
from bench.stack import Bench, bench_env
from ops.infra.interrupts import terminate_interrupts
from ops.infra.isolated import IsolatedStack
from shared.kafka.admin import admin_client, ensure_topics
from shared.kafka.topics import CARRIER_SCANS

CONSUMERS = (1, 2, 4)
PARTITIONS = 12  # divisible by 1, 2 and 4: no consumer holds more partitions than another
Say = Callable[[str], None]


def port_base(config: BenchConfig, environ: Mapping[str, str]) -> int:
    """BENCH_SCALE_OUT_PORT_BASE when set, else the bench's own block (free again once the main stack stopped)."""
    raw = environ.get("BENCH_SCALE_OUT_PORT_BASE", "").strip()
    if raw and not (raw.isdigit() and 1024 <= int(raw) <= 60_000):
        raise ValueError(f"BENCH_SCALE_OUT_PORT_BASE={raw!r}: give a port from 1024 to 60000")
    return int(raw) if raw else config.port_base


def measure(config: BenchConfig, say: Say) -> dict[str, Any]:
    """Every point of the curve, and the curve (see scale_out_curve)."""
    config = replace(config, port_base=port_base(config, os.environ))
    points = [_point(config, count, say) for count in CONSUMERS]
    return scale_out_curve.curve(points, os.cpu_count() or 1) | {"quick": config.quick}


def _point(config: BenchConfig, consumers: int, say: Say) -> dict[str, Any]:
    say(f"scale-out: {consumers} tracking consumer(s), {PARTITIONS} partitions")
    with _stack(config.port_base, consumers) as bench:
        bookings = parcels.clones(parcels.template_booking(bench), config.parcels)
        parcels.book(bench, bookings, lambda _done: None)
        load = traffic(bookings, config.scans, config.batch, config.seed)
        meter = Meter(bench, config.settle_quiet_s, config.settle_timeout_s)
        meter.measure_background(config.background_s)
        before = _jiffies()
        found = scans.via_topic(bench, load, lambda _n: None, meter)
        machine = scale_out_curve.busy_cores(before, _jiffies(), os.cpu_count() or 1)
    cost = found.pop("cost")
    scans_per_s = found["scans_per_s"]
    return {"consumers": consumers, "partitions": PARTITIONS, "scans": found["scans"], "seconds": found["seconds"],
            "scans_per_s": scans_per_s,
            # CPU per scan over the whole window (settling included) times the rate: cores busy while applying.
            "stack_cores": round(cost["stack_cpu_ms_per_unit"] * scans_per_s / 1000, 2),
            "machine_cores": machine,  # everything the machine ran in that time: the other work on it too
            "busiest": scale_out_curve.busiest(cost["cpu_ms_per_unit"], NOT_THE_STACK),
            "applied_check": found["applied_check"], "cost": cost}


def _jiffies() -> tuple[int, int]:
    return scale_out_curve.cpu_jiffies(Path("/proc/stat").read_text())


@contextmanager
def _stack(port_base: int, consumers: int) -> Iterator[Bench]:
    """A fresh isolated stack with `consumers` tracking consumers and the widened scan topic; always stopped."""
    stack = IsolatedStack(bench_env(port_base, {"tracking": consumers}))
    with terminate_interrupts():
        stack.cli("services", "down", check=False)
        stack.cli("infra", "reset", "--yes")
        try:
            stack.cli("infra", "up")
            _widen_scan_topic(stack)
            stack.cli("services", "up")
            yield Bench(stack, stack.create_shipper("Scale-out Shipper"))
        finally:
            stack.stop()


def _widen_scan_topic(stack: IsolatedStack) -> None:
    admin = admin_client([stack.kafka])
    try:
        ensure_topics(admin, [replace(CARRIER_SCANS, partitions=PARTITIONS)])
    finally:
        admin.close()
