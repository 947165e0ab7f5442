"""Which trackers the reconciliation poller asks the carriers about, and in which calls (pure).

A carrier push can be lost (SF retries a push three times, then drops it; a Track Alert subscription lapses),
so a tracker that has heard nothing from a carrier for longer than its current leg normally takes is queried:
SF's route query by waybill while the parcel is in China, UPS's Track API by 1Z once it is in the US, both
while it flies. A poll resets the clock as an event would, so a quiet parcel is asked about once per threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared.events.schemas.vocabulary import Carrier, Leg

if TYPE_CHECKING:
    from services.tracking.domain.model import Tracker

LEGS: tuple[Leg, ...] = ("first_mile", "export_customs", "air_linehaul", "import_customs", "last_mile")
MAX_NUMBERS_PER_CALL = 10  # SF's route query refuses more (8003); UPS's Track API takes one number a call
SETTLED_STATUSES = frozenset({"delivered", "cancelled"})
SETTLED_MILESTONES = frozenset({"returned"})
# Who holds the parcel on each leg, and so who can tell where it is. None: booked, waiting for SF's pickup.
CARRIERS_OF: dict[Leg | None, tuple[Carrier, ...]] = {
    None: ("sf_express",), "first_mile": ("sf_express",), "export_customs": ("sf_express",),
    "air_linehaul": ("sf_express", "ups"), "import_customs": ("ups",), "last_mile": ("ups",),
}


@dataclass(frozen=True)
class Thresholds:
    """How long each leg may stay silent before the carrier is asked; a booked parcel counts as first mile."""

    first_mile: timedelta = timedelta(hours=24)
    export_customs: timedelta = timedelta(hours=48)
    air_linehaul: timedelta = timedelta(hours=36)
    import_customs: timedelta = timedelta(hours=48)
    last_mile: timedelta = timedelta(hours=24)

    def of(self, leg: Leg | None) -> timedelta:
        return getattr(self, leg or "first_mile")

    def cutoffs(self, now: datetime) -> dict[Leg | None, datetime]:
        """Per leg, the last event time that makes a tracker quiet now (the store query's bounds)."""
        return {leg: now - self.of(leg) for leg in CARRIERS_OF}

    @property
    def longest(self) -> timedelta:
        return max(self.of(leg) for leg in CARRIERS_OF)

    @property
    def shortest(self) -> timedelta:
        return min(self.of(leg) for leg in CARRIERS_OF)


@dataclass(frozen=True)
class Quiet:
    """What the poller reads of a tracker: its numbers, where it is, and when a carrier last spoke of it."""

    shipment_id: str
    sf_waybill: str
    ups_number: str
    leg: Leg | None
    last_event_at: datetime
    settled: bool = False

    @property
    def key(self) -> str:
        return quiet_key(self.last_event_at, self.shipment_id)

    def number_for(self, carrier: Carrier) -> str:
        return self.sf_waybill if carrier == "sf_express" else self.ups_number


@dataclass(frozen=True)
class Call:
    """One carrier request: at most MAX_NUMBERS_PER_CALL numbers, each owned by one shipment."""

    carrier: Carrier
    numbers: tuple[str, ...]
    shipments: tuple[str, ...] = field(default=(), compare=False)


def quiet_key(last_event_at: datetime, shipment_id: str) -> str:
    """`<last carrier event, UTC, fixed width>|<shipment id>`: sorting the keys sorts the trackers by silence.

    Milliseconds, as BSON keeps them: a key made from a tracker read back from the store matches one made
    from the tracker as written.
    """
    at = last_event_at.astimezone(UTC)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z|{shipment_id}"


def quiet_before(instant: datetime) -> str:
    """The key bound above every tracker silent since `instant` or earlier ("~" sorts after every id)."""
    return quiet_key(instant, "~")


def is_settled(status: str, milestone: str) -> bool:
    """Delivered, returned or cancelled: nothing a carrier says can matter any more."""
    return status in SETTLED_STATUSES or milestone in SETTLED_MILESTONES


def quiet_of(tracker: Tracker) -> Quiet:
    state = tracker.state
    return Quiet(tracker.shipment_id, tracker.sf_waybill, tracker.ups_tracking_number, state.leg,
                 tracker.last_carrier_event_at, is_settled(state.status, state.milestone))


def is_due(tracker: Quiet, polled_at: datetime | None, thresholds: Thresholds, now: datetime) -> bool:
    """Unsettled, and silent (no carrier event, no poll) for at least its leg's threshold."""
    if tracker.settled:
        return False
    heard = max(tracker.last_event_at, polled_at) if polled_at else tracker.last_event_at
    return now - heard >= thresholds.of(tracker.leg)


def due(trackers: Iterable[Quiet], polled: Mapping[str, datetime], thresholds: Thresholds,
        now: datetime) -> list[Quiet]:
    return [t for t in trackers if is_due(t, polled.get(t.shipment_id), thresholds, now)]


def calls(trackers: Sequence[Quiet], size: int = MAX_NUMBERS_PER_CALL) -> list[Call]:
    """The trackers' numbers grouped by carrier into calls of at most `size` (never more than the carriers take)."""
    size = max(1, min(size, MAX_NUMBERS_PER_CALL))
    by_carrier: dict[Carrier, dict[str, str]] = {}
    for tracker in trackers:
        for carrier in CARRIERS_OF[tracker.leg]:
            by_carrier.setdefault(carrier, {}).setdefault(tracker.number_for(carrier), tracker.shipment_id)
    found = []
    for carrier, owners in by_carrier.items():
        numbers = list(owners)
        for start in range(0, len(numbers), size):
            chunk = tuple(numbers[start:start + size])
            found.append(Call(carrier, chunk, tuple(owners[n] for n in chunk)))
    return found
