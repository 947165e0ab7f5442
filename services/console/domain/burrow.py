"""Burrow-style consumer status over a window of lag samples (LinkedIn Burrow's rule shapes).

Kafka does not tell us when a group last committed, only what it committed, so "no commit for longer than
the window" is judged by the group having no live member while its committed offset stood still: a running
consumer that commits the same offset is STALL; a group nobody consumes for is STOP.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise


class Status(IntEnum):
    """Ordered by severity: a group's status is its worst partition's."""

    OK = 0
    WARN = 1
    STALL = 2
    STOP = 3
    ERR = 4


@dataclass(frozen=True)
class Sample:
    """One observation of one partition: when, what was committed, the end and the log start."""

    at: float
    committed: int | None
    end: int
    start: int = 0

    @property
    def lag(self) -> int | None:
        if self.committed is None:
            return None
        return max(0, self.end - max(self.committed, self.start))


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str


MIN_SAMPLES = 3


def evaluate_partition(samples: Sequence[Sample], has_members: bool) -> Verdict | None:
    """The partition's status over the window (oldest first); None when it has no commit to judge."""
    window = [s for s in samples if s.committed is not None]
    if not window:
        return None
    last = window[-1]
    if last.committed is not None and last.committed < last.start:
        return Verdict(Status.ERR, "committed offset is below the log start: unread records were deleted")
    if any(b.committed < a.committed for a, b in pairwise(window)):
        return Verdict(Status.ERR, "committed offset went backwards (reset)")
    lags = [s.lag or 0 for s in window]
    if 0 in lags:
        return Verdict(Status.OK, "lag reached zero in the window")
    if len(window) < MIN_SAMPLES:
        return Verdict(Status.OK, f"window incomplete ({len(window)} of {MIN_SAMPLES} samples); lag {lags[-1]}")
    moved = window[0].committed != last.committed
    if not moved:
        if not has_members:
            return Verdict(Status.STOP, "no member and no commit across the window while lag > 0")
        return Verdict(Status.STALL, "consumer present but the committed offset never moved while lag > 0")
    if all(b >= a for a, b in pairwise(lags)):
        return Verdict(Status.WARN, "lag never decreased across the window")
    return Verdict(Status.OK, "consumer is making progress")


NO_MEMBER = Verdict(Status.STOP, "no member: nothing consumes for this group (critical)")


def group_verdict(partitions: Iterable[Verdict | None], has_members: bool) -> Verdict:
    """The group's status: STOP as soon as it has no member, whatever its lag (0 lag then only means nobody is
    reading yet); otherwise its worst partition."""
    return NO_MEMBER if not has_members else worst(partitions)


def worst(verdicts: Iterable[Verdict | None]) -> Verdict:
    """The group's status: its worst partition (OK when nothing could be judged)."""
    judged = [v for v in verdicts if v is not None]
    if not judged:
        return Verdict(Status.OK, "no committed partition to judge")
    return max(judged, key=lambda v: v.status)
