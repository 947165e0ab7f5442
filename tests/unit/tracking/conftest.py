"""In-memory fakes of the tracking ports (same interfaces as the MongoDB ones) and a hand-moved clock."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import pytest

from services.tracking import worker
from services.tracking.adapters.reconciliation_store import QuietIndex
from services.tracking.adapters.repository import (
    TRACKERS,
    AliasRepository,
    ParkedScan,
    ParkingRepository,
    TrackerRepository,
    tracker_from_document,
)
from services.tracking.api import tracking_blueprint
from services.tracking.domain.model import Tracker
from services.tracking.handlers import Deps
from services.tracking.options import TrackingOptions
from shared.batch.unit import BatchUnit
from shared.events.envelope import new_event
from shared.http.app import create_app
from tests.unit.support import Clock, FakeDocumentStore, FakePublisher
from tests.unit.tracking.http_samples import CHECK_WORD, CREDENTIAL, FakeStores
from tests.unit.tracking.tracking_samples import SHIPMENT, booked_data


class FakeTrackerRepository(TrackerRepository):
    """Reads the trackers the batch unit wrote to the fake store."""

    def __init__(self, store: FakeDocumentStore) -> None:
        self.store = store

    def get(self, shipment_id: str) -> Tracker | None:
        document = self.store.documents(TRACKERS).get(shipment_id)
        return tracker_from_document(copy.deepcopy(document)) if document else None


class FakeAliasRepository(AliasRepository):
    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def add_all(self, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
        taken = {number: self.owners[number] for number, _ in pairs if number in self.owners}
        for number, shipment_id in pairs:
            if self.owners.setdefault(number, shipment_id) != shipment_id:
                taken[number] = self.owners[number]
        return taken

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

    def expire(self, parked_before: datetime) -> int:
        expired = [key for key, scan in self.scans.items() if scan.parked_at and scan.parked_at < parked_before]
        for key in expired:
            del self.scans[key]
        return len(expired)


class FakeQuietIndex(QuietIndex):
    def __init__(self) -> None:
        self.keys: set[str] = set()

    def note(self, keys: Sequence[str]) -> None:
        self.keys.update(keys)

    def forget(self, keys: Sequence[str]) -> None:
        self.keys.difference_update(keys)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 6, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def store() -> FakeDocumentStore:
    return FakeDocumentStore()


@pytest.fixture
def trackers(store) -> FakeTrackerRepository:
    return FakeTrackerRepository(store)


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
def quiet() -> FakeQuietIndex:
    return FakeQuietIndex()


@pytest.fixture
def deps(trackers, aliases, parked, publisher, clock, quiet) -> Deps:
    return Deps(trackers, aliases, parked, publisher, clock, quiet)


@pytest.fixture
def unit(deps, store, publisher) -> BatchUnit:
    """The consumer's batch unit over the fakes: outbox and released scans both go to `publisher`."""
    return worker.tracker_unit(deps, store, publisher)


@pytest.fixture
def options() -> TrackingOptions:
    return TrackingOptions(sf_check_word=CHECK_WORD, ups_credential=CREDENTIAL, carrier_max_body_bytes=64 * 1024,
                           max_scans_per_request=50, rate_per_second=0)


@pytest.fixture
def client(deps, options):
    app = create_app("tracking", [tracking_blueprint(FakeStores(deps, options))], {}, max_body_bytes=16 * 1024)
    return app.test_client()


@pytest.fixture
def booked(unit):
    assert unit.apply([new_event("shipment.booked", SHIPMENT, booked_data(), source="/t")]) == []
