"""In-memory fakes of the tracking ports (same interfaces as the MongoDB ones) and a hand-moved clock."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import pytest

from services.tracking.adapters.repository import (
    AliasRepository,
    ParkedScan,
    ParkingRepository,
    TrackerChange,
    TrackerRepository,
)
from services.tracking.domain.model import Tracker, TrackerNotFound, with_progress
from services.tracking.handlers import Deps
from shared.errors import BusinessRuleViolation, TransientError
from shared.events.envelope import CloudEvent
from tests.unit.support import Clock


class FakeTrackerRepository(TrackerRepository):
    def __init__(self) -> None:
        self.trackers: dict[str, Tracker] = {}
        self.outbox: list[CloudEvent] = []
        self.applied: dict[str, set[str]] = {}

    def get(self, shipment_id: str) -> Tracker | None:
        tracker = self.trackers.get(shipment_id)
        return with_progress(copy.deepcopy(tracker)) if tracker else None

    def add(self, tracker: Tracker, events: Sequence[CloudEvent]) -> bool:
        if tracker.shipment_id in self.trackers:
            return False
        self._store(tracker, events)
        return True

    def apply_once(self, shipment_id: str, event_id: str, change: TrackerChange) -> bool:
        tracker = self.get(shipment_id)
        if tracker is None:
            raise TrackerNotFound(shipment_id)
        if event_id in self.applied.setdefault(shipment_id, set()):
            return False
        self._store(tracker, change(tracker))
        self.applied[shipment_id].add(event_id)
        return True

    def status_events(self) -> list[dict]:
        return [e.data for e in self.outbox if e.short_type == "tracking.status_changed"]

    def _store(self, tracker: Tracker, events: Sequence[CloudEvent]) -> None:
        stored = copy.deepcopy(tracker)
        stored.events.clear()
        self.trackers[tracker.shipment_id] = stored
        self.outbox.extend(events)


class FakeAliasRepository(AliasRepository):
    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def add(self, shipment_id: str, numbers: Iterable[str]) -> None:
        for number in numbers:
            if self.owners.setdefault(number, shipment_id) != shipment_id:
                raise BusinessRuleViolation(number)

    def resolve(self, numbers: Iterable[str]) -> dict[str, str]:
        return {n: self.owners[n] for n in numbers if n in self.owners}


class FakeParkingRepository(ParkingRepository):
    def __init__(self) -> None:
        self.scans: dict[str, ParkedScan] = {}

    def park(self, scans: Sequence[ParkedScan]) -> None:
        for scan in scans:
            self.scans.setdefault(scan.key, copy.deepcopy(scan))

    def parked_for(self, numbers: Iterable[str]) -> list[ParkedScan]:
        wanted = set(numbers)
        return [s for s in self.scans.values() if s.carrier_number in wanted]

    def remove(self, scans: Sequence[ParkedScan]) -> None:
        for scan in scans:
            self.scans.pop(scan.key, None)


class FakePublisher:
    """Records what was published; `fail` makes the next publish raise like an unreachable broker."""

    def __init__(self) -> None:
        self.published: list[CloudEvent] = []
        self.batches: list[int] = []
        self.fail = False

    def publish(self, events: Iterable[CloudEvent]) -> None:
        events = list(events)
        if self.fail:
            raise TransientError("broker did not acknowledge")
        self.batches.append(len(events))
        self.published.extend(events)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 6, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def trackers() -> FakeTrackerRepository:
    return FakeTrackerRepository()


@pytest.fixture
def aliases() -> FakeAliasRepository:
    return FakeAliasRepository()


@pytest.fixture
def parked() -> FakeParkingRepository:
    return FakeParkingRepository()


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
def deps(trackers, aliases, parked, publisher, clock) -> Deps:
    return Deps(trackers, aliases, parked, publisher, clock)
