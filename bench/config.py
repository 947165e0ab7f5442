"""What one bench run does: sizes, rates and durations (a full run, or a short smoke run with --quick)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BenchConfig:
    scans: int = 20_000
    parcels: int = 2_000
    order_rates: tuple[float, ...] = (5, 10, 20, 50, 100)
    order_duration_s: float = 20
    booked_p99_limit_ms: float = 5_000  # order steps stop after the first rate whose POST or completion p99 passes it
    stored_trackers: int = 100_000  # at least this many trackers stored before polling (seeded to make up)
    read_sample: int = 30_000  # numbers polled, drawn at random from every stored one
    read_rates: tuple[float, ...] = (50, 100, 200, 300, 400, 500)
    read_duration_s: float = 20
    read_warmup_s: float = 5  # at the first rate before the steps, not counted (connections, caches, lazy imports)
    read_p99_limit_ms: float = 100  # read steps stop after the first rate past it (or with errors)
    posters: int = 4  # concurrent carrier connections posting scans
    batch: int = 50  # events per carrier request (SF pushes routes in batches; UPS alerts as a list)
    kafka_records: int = 20_000
    store_operations: int = 5_000
    http_duration_s: float = 10
    http_clients: int = 16  # closed loops: the trivial endpoint and the tracking GET maximum
    port_base: int = 24_000  # below Linux's ephemeral range (32768+), where a client socket could hold a port
    tracking_consumers: int = 3  # TRACKING_CONSUMERS of the bench stack (make run's default is 1)
    # ORDERS_CONSUMERS and SHIPPING_CONSUMERS: two consumers overlap each other's waits on the store (measured:
    # order -> booked at 50 orders/s p50 4.3 s -> 2.4 s, p99 8.3 s -> 4.3 s, with one consumer each -> two).
    orders_consumers: int = 2
    shipping_consumers: int = 2
    # The cost model: a quiet window with no traffic (the background taken out of the net figures), orders
    # placed with nobody polling them, and the stack idling with the simulator at `make run`'s rate.
    background_s: float = 10
    cost_order_rate: float = 20
    cost_order_duration_s: float = 20
    idle_rate: float = 0.5
    idle_warm_up_s: float = 15
    idle_window_s: float = 60
    settle_quiet_s: float = 2  # settled: every group caught up and no topic end moved for this long
    settle_timeout_s: float = 600
    seed: int = 5
    out: Path = Path("bench/results")
    quick: bool = False
    peer: bool = True  # Karrio measured after our steps (bench/peers/), same rates and durations

    @property
    def consumers(self) -> dict[str, int]:
        """Consumer processes per service of the bench stack."""
        return {"orders": self.orders_consumers, "shipping": self.shipping_consumers,
                "tracking": self.tracking_consumers}

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}


def quick(config: BenchConfig) -> BenchConfig:
    """A smoke run of a minute or two: every step, small numbers (figures are not meaningful)."""
    return replace(config, scans=min(config.scans, 2_000), parcels=min(config.parcels, 200),
                   order_rates=config.order_rates[:2], order_duration_s=5,
                   stored_trackers=min(config.stored_trackers, 5_000), read_sample=min(config.read_sample, 5_000),
                   read_rates=config.read_rates[:2], read_duration_s=5, read_warmup_s=2, kafka_records=5_000,
                   store_operations=1_000, http_duration_s=4, background_s=4, cost_order_duration_s=5,
                   idle_warm_up_s=5, idle_window_s=min(config.idle_window_s, 20), quick=True)
