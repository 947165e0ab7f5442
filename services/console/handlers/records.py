"""The message browser: one bounded page of a topic's records, newest first, filtered, from group-less consumers."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from services.console.adapters.kafka_reader import RecordReader
from services.console.domain.records import RecordFilter, RecordView, view_of

MAX_LIMIT = 200
MAX_SCAN = 20_000
BUDGET_SECONDS = 4.0


@dataclass(frozen=True)
class Page:
    records: list[RecordView]
    scanned: int
    next_anchor: dict[int, int]  # partition -> offset to read older records from
    truncated: bool  # the scan or time budget ran out before the page was full
    bounds: dict[int, tuple[int, int]]


def browse(reader: RecordReader, topic: str, partition: int | None, anchors: Mapping[int, int] | None,
           timestamp_ms: int | None, filt: RecordFilter, limit: int, budget: float = BUDGET_SECONDS,
           max_scan: int = MAX_SCAN) -> Page:
    """Newest first: records before each partition's anchor (end, an offset or a time), filtered, bounded."""
    limit = max(1, min(limit, MAX_LIMIT))
    tps = [tp for tp in reader.partitions(topic) if partition is None or tp.partition == partition]
    starts, ends = reader.bounds(tps) if tps else ({}, {})
    deadline = time.monotonic() + budget
    found: list[RecordView] = []
    scanned = 0
    next_anchor: dict[int, int] = {}
    truncated = False
    for tp in tps:
        high = ends[tp]
        if anchors and tp.partition in anchors:
            high = min(high, anchors[tp.partition])
        elif timestamp_ms is not None:
            at = reader.offset_for_time(tp, timestamp_ms)
            high = ends[tp] if at is None else at
        mine: list[RecordView] = []
        high_mark = high
        chunk = 200 if filt.empty else 1000
        while high > starts[tp] and len(mine) < limit:
            if time.monotonic() > deadline or scanned >= max_scan:
                truncated = True
                break
            low = max(starts[tp], high - chunk)
            records = reader.read_range(tp, low, high, deadline)
            scanned += len(records)
            views = [view_of(r.topic, r.partition, r.offset, r.timestamp, r.key, r.value, r.headers)
                     for r in reversed(records)]
            for view in views:
                if filt.matches(view) and len(mine) < limit:
                    mine.append(view)
                    high_mark = view.offset
            # Read older next time: below the oldest record shown when the page filled, else below this chunk.
            high = high_mark if len(mine) >= limit else low
            if not records and low > starts[tp]:
                high = low
        next_anchor[tp.partition] = high
        found.extend(mine)
    found.sort(key=lambda v: (v.timestamp_ms, v.offset), reverse=True)
    return Page(found[:limit], scanned, next_anchor, truncated,
                {tp.partition: (starts[tp], ends[tp]) for tp in tps})
