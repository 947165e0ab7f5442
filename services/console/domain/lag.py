"""Consumer lag, done right: per partition from committed and end offsets, with "n/a" and data loss."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

TopicPartitionKey = tuple[str, int]


@dataclass(frozen=True)
class PartitionOffsets:
    """What the broker said about one partition of one group, fetched committed-first."""

    topic: str
    partition: int
    start: int  # log start offset (retention may have moved it)
    end: int  # high watermark
    committed: int | None  # None: the group never committed here


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    start: int
    end: int
    committed: int | None
    lag: int | None  # None shows as "n/a"
    data_loss: bool  # committed below the log start: retention deleted records the group never read
    lost: int = 0  # how many records were deleted unread

    @property
    def display(self) -> str:
        return "n/a" if self.lag is None else str(self.lag)


def partition_lag(offsets: PartitionOffsets) -> PartitionLag:
    """Lag of one partition: end - committed, clamped at 0; "n/a" without a commit; data loss below log start."""
    committed = offsets.committed
    if committed is None or committed < 0:
        return PartitionLag(offsets.topic, offsets.partition, offsets.start, offsets.end, None, None, False)
    lost = max(0, offsets.start - committed)
    # End offsets are fetched after the commits, so end ≥ committed; clamp anyway against a moved leader.
    readable_from = max(committed, offsets.start)
    lag = max(0, offsets.end - readable_from)
    return PartitionLag(offsets.topic, offsets.partition, offsets.start, offsets.end, committed, lag, lost > 0, lost)


@dataclass(frozen=True)
class GroupLag:
    group: str
    partitions: tuple[PartitionLag, ...]

    @property
    def total(self) -> int | None:
        """Sum over partitions that have a commit; None when none has."""
        known = [p.lag for p in self.partitions if p.lag is not None]
        return sum(known) if known else None

    @property
    def data_loss(self) -> bool:
        return any(p.data_loss for p in self.partitions)

    def by_topic(self) -> dict[str, int | None]:
        """Lag per topic (None where no partition of it has a commit)."""
        totals: dict[str, int | None] = {}
        for p in self.partitions:
            current = totals.get(p.topic)
            if p.lag is None:
                totals.setdefault(p.topic, None)
            else:
                totals[p.topic] = (current or 0) + p.lag
        return totals

    @property
    def topics(self) -> list[str]:
        return sorted({p.topic for p in self.partitions})


def group_lag(
    group: str,
    committed: Mapping[TopicPartitionKey, int | None],
    starts: Mapping[TopicPartitionKey, int],
    ends: Mapping[TopicPartitionKey, int],
    topics: Iterable[str] | None = None,
) -> GroupLag:
    """The group's lag on every partition of the topics it committed on (or of `topics`, if given)."""
    wanted = set(topics) if topics is not None else {t for t, _ in committed}
    keys = sorted(k for k in ends if k[0] in wanted)
    parts = tuple(
        partition_lag(PartitionOffsets(t, p, starts.get((t, p), 0), ends[(t, p)], committed.get((t, p))))
        for t, p in keys
    )
    return GroupLag(group, parts)


def lag_seconds(now: datetime, committed_record_time: datetime | None, lag: int | None) -> float | None:
    """How far behind in time: now - timestamp of the record at the committed offset (0 when caught up)."""
    if lag is None:
        return None
    if lag == 0:
        return 0.0
    if committed_record_time is None:
        return None
    return max(0.0, (now - committed_record_time).total_seconds())


def time_to_drain(lag: int | None, consume_rate: float | None, produce_rate: float | None) -> float | None:
    """Seconds until the lag is gone at the current rates: lag / (consume - produce); None if it never drains."""
    if lag is None or consume_rate is None or produce_rate is None:
        return None
    if lag == 0:
        return 0.0
    net = consume_rate - produce_rate
    if net <= 0:
        return None
    return lag / net


def rate(first: tuple[float, int], last: tuple[float, int]) -> float | None:
    """Records per second between two (unix time, offset) samples."""
    seconds = last[0] - first[0]
    if seconds <= 0:
        return None
    return max(0, last[1] - first[1]) / seconds
