"""The keys of `shipper_orders` and the order they are read in: pure string and time arithmetic (see listing.py).

A key is `<shipper id>|<created_at: UTC, to the millisecond, fixed width>|<order id>`, so keys sort like
(shipper, created_at, order id) and a shipper's orders between two instants are one `_id` range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

_LOWEST, _HIGHEST = "0000-00-00T00:00:00.000", "9999-99-99T99:99:99.999"  # beyond datetime's range
_AFTER_SEPARATOR = "}"  # sorts just after "|": "<prefix>}" bounds every key starting "<prefix>|"
# Lower bounds of the windows a page is read in, back from its newest instant: 1 s, 8 s, 64 s ... 34 years.
WINDOWS = tuple(timedelta(seconds=8**n) for n in range(11))

Read = Callable[[str, str, int], list[str]]  # (lower, upper, limit) -> keys in [lower, upper), newest first


def sortable_time(moment: datetime, round_up: bool = False) -> str:
    """The instant in UTC to the millisecond (as BSON stores it), fixed width, so strings sort like instants.

    `round_up` gives the first whole millisecond at or after the instant: a lower bound that a stored time
    (always whole milliseconds) passes exactly when it is at or after the instant.
    """
    try:
        if round_up:
            moment += timedelta(microseconds=-moment.microsecond % 1000)
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    except OverflowError:  # year 1 or 9999 with an offset that leaves datetime's range
        return _LOWEST if moment.year < 5000 else _HIGHEST


def listing_key(shipper_id: str, created_at: datetime, order_id: str) -> str:
    return f"{shipper_id}|{sortable_time(created_at)}|{order_id}"


def order_id_of(key: str) -> str:
    return key.rsplit("|", 1)[1]


def key_range(
    shipper_id: str,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    after: tuple[datetime, str] | None = None,
) -> tuple[str, str]:
    """[low, high) holding the shipper's orders created in [created_from, created_to] and before `after`.

    Built only from validated values (a shipper id we issued, datetimes, an id matching its pattern).
    """
    low = f"{shipper_id}|{sortable_time(created_from, round_up=True) if created_from else ''}"
    highs = [f"{shipper_id}{_AFTER_SEPARATOR}"]
    if created_to:
        highs.append(f"{shipper_id}|{sortable_time(created_to)}{_AFTER_SEPARATOR}")
    if after:
        highs.append(listing_key(shipper_id, *after))
    return low, min(highs)


def window_bounds(shipper_id: str, newest: datetime) -> list[str]:
    """Lower bounds of ever wider windows back from `newest`, newest first."""
    bounds = []
    for width in WINDOWS:
        try:
            bounds.append(f"{shipper_id}|{sortable_time(newest - width)}")
        except OverflowError:  # back beyond year 1: the range's own low bound ends the last window
            break
    return bounds


def newest_first(read: Read, low: str, high: str, batch: int, bounds: Sequence[str] = ()) -> Iterator[list[str]]:
    """The keys in [low, high), newest first, `batch` at a time, read only as far as the caller goes.

    FerretDB sorts in memory whatever a range holds, so the range is read window by window (each lower bound
    in `bounds` that falls inside it, then `low`): a page costs what its newest windows hold, not the shipper's
    whole history. The windows only split the range, so the keys are the same on any store.
    """
    pending: list[str] = []
    upper = high
    for lower in [*(bound for bound in bounds if low < bound < high), low]:
        while True:
            wanted = batch - len(pending)
            keys = read(lower, upper, wanted)
            pending += keys
            if len(pending) == batch:
                yield pending
                pending = []
            if len(keys) < wanted:
                break
            upper = keys[-1]
        upper = lower
    if pending:
        yield pending
