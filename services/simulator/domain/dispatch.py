"""When each event of a parcel is sent: on time, held back past a later one (out of order), or twice.

Carriers really do this: pushes are retried (duplicates) and feeds from several systems interleave
(out of order). The tracking service must absorb both; the ground truth records what was done.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

LATE_BY = timedelta(milliseconds=300)  # a held-back event leaves this long after the one it waited for


@dataclass(frozen=True)
class Dispatch:
    send_at: datetime
    index: int  # which event of the journey
    copy: int = 0  # 0: the first sending, 1: the duplicate
    late: bool = False  # held back until after the next event


def plan_dispatches(stamps: Sequence[datetime], p_duplicate: float, p_out_of_order: float,
                    rng: random.Random) -> list[Dispatch]:
    """Every sending of every event (carrier timestamps `stamps`), sorted by send time."""
    send = list(stamps)
    late = [False] * len(stamps)
    # From the end backwards, so a held-back event waits for the next event's actual sending.
    for i in range(len(stamps) - 2, -1, -1):
        if rng.random() < p_out_of_order:
            send[i], late[i] = max(send[i], send[i + 1] + LATE_BY), True
    dispatches = [Dispatch(send[i], i, 0, late[i]) for i in range(len(stamps))]
    for i in range(len(stamps)):
        if rng.random() < p_duplicate:
            dispatches.append(Dispatch(send[i] + timedelta(seconds=rng.uniform(0.5, 3.0)), i, 1, late[i]))
    return sorted(dispatches, key=lambda d: (d.send_at, d.index, d.copy))
