"""Where each event of a batch sat in Kafka, for handlers whose documents record it (the console's trace).

The runner sets the positions of a poll's events around the unit's `apply`; a handler asks `position_of(event)`.
Units that never ask pay nothing, and a unit applied outside a runner (a unit test) sees `UNKNOWN`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from kafka.consumer.fetcher import ConsumerRecord

from shared.events.envelope import CloudEvent


@dataclass(frozen=True)
class RecordPosition:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int


UNKNOWN = RecordPosition("?", -1, -1, 0)
# Keyed by id(event): the events are alive (held by the runner) for as long as the positions are set.
_positions: ContextVar[Mapping[int, RecordPosition] | None] = ContextVar("record_positions", default=None)


@contextmanager
def positioned(pairs: Iterable[tuple[ConsumerRecord, CloudEvent]]) -> Iterator[None]:
    """Make each event's record position visible to `position_of` inside the block."""
    token = _positions.set({id(event): RecordPosition(record.topic, record.partition, record.offset,
                                                      record.timestamp) for record, event in pairs})
    try:
        yield
    finally:
        _positions.reset(token)


def position_of(event: CloudEvent) -> RecordPosition:
    """The position of the record `event` was read from, or UNKNOWN outside a runner's batch."""
    return (_positions.get() or {}).get(id(event), UNKNOWN)
