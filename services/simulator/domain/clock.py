"""The compressed clock: simulated time runs `ratio` times faster than the wall clock.

Carrier timestamps are the wall-clock instants the events are due, not the simulated instants: a parcel's
week of simulated travel then fits in minutes of real time without any scan lying in the future (the
tracking service keeps a future-dated scan but does not let it move the status). Timestamps are whole
seconds, as both carriers print them, and strictly increase within a parcel so that no two of its scans
share a carrier time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class CompressedClock:
    sim_origin: datetime  # this simulated instant ...
    real_origin: datetime  # ... happens at this wall-clock instant
    ratio: float  # simulated seconds per real second

    @classmethod
    def hours_per_second(cls, sim_origin: datetime, real_origin: datetime, hours: float) -> CompressedClock:
        if hours <= 0:
            raise ValueError("speed must be positive")
        return cls(sim_origin, real_origin, hours * 3600)

    def real(self, sim_at: datetime) -> datetime:
        return self.real_origin + (sim_at - self.sim_origin) / self.ratio


def carrier_times(sim_times: Sequence[datetime], clock: CompressedClock) -> list[datetime]:
    """The carrier timestamp of each event: due time rounded up to a second, one second past the previous."""
    stamps: list[datetime] = []
    for sim_at in sim_times:
        stamp = _ceil_second(clock.real(sim_at))
        if stamps and stamp <= stamps[-1]:
            stamp = stamps[-1] + ONE_SECOND
        stamps.append(stamp)
    return stamps


def _ceil_second(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if moment.microsecond == 0 else whole + ONE_SECOND
