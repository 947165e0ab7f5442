"""Grouping the records of one polled partition batch by aggregate, so a handler can apply them in one write."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

GroupKey = tuple[str, bytes]


def same_key_groups(records: Sequence[Any], key_of: Callable[[Any], GroupKey | None]) -> dict[int, list[int]]:
    """Index of each group's first record -> indexes of every record of that group, in order.

    Records whose key_of is None stay alone. A group never jumps over a lone record with the same Kafka key,
    so per-aggregate order is kept: after such a record, later records of that key start a new group.
    """
    groups: dict[int, list[int]] = {}
    open_group: dict[GroupKey, int] = {}
    for index, record in enumerate(records):
        key = key_of(record)
        if key is None:
            for group_key in [k for k in open_group if k[1] == record.key]:
                del open_group[group_key]
            continue
        first = open_group.setdefault(key, index)
        groups.setdefault(first, []).append(index)
    return {first: members for first, members in groups.items() if len(members) > 1}


def short_type_of(value: bytes | None) -> str | None:
    """The catalog short type a record's CloudEvent names, read cheaply; None when unreadable."""
    try:
        event_type = json.loads(value or b"")["type"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(event_type, str) or not event_type.startswith("com.parcelbridge."):
        return None
    return event_type.removeprefix("com.parcelbridge.").rsplit(".", 1)[0]
