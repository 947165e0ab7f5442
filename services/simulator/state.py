"""What the simulation loop keeps while it runs: each parcel's journey in play, and the run's counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from services.simulator.domain.dispatch import Dispatch
from services.simulator.domain.scenario import Journey


@dataclass
class ParcelRun:
    journey: Journey
    stamps: list[datetime]
    dispatches: list[Dispatch]
    adopted: bool
    accepted: Counter = field(default_factory=Counter)  # event index -> sendings the carrier endpoint accepted
    failed: Counter = field(default_factory=Counter)
    outstanding: int = 0
    cancelled: bool = False
    withheld: bool = False  # no push is sent: only the carriers' query APIs tell of this parcel

    def __post_init__(self) -> None:
        self.outstanding = len(self.dispatches)


@dataclass
class Tally:
    placed: int = 0
    placement_failures: int = 0
    booked: int = 0
    rejected: int = 0
    unplayable: int = 0
    requests: Counter = field(default_factory=Counter)  # "sf ok", "ups failed", ...
    events_sent: int = 0
    duplicates: int = 0
    late: int = 0
    shuffled_batches: int = 0
    incomplete: int = 0  # parcels with an event no sending of which was accepted
    ends: Counter = field(default_factory=Counter)
    plots: Counter = field(default_factory=Counter)
    malformed: Counter = field(default_factory=Counter)  # "sf bad_digest answered 401", ...
    poison: Counter = field(default_factory=Counter)  # kind, or "not acknowledged"
    withheld: int = 0  # events not pushed, on purpose (their parcels are known to the query APIs alone)
