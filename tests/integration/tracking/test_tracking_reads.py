"""Public reads against the real FerretDB: which store commands each one costs, seen by command monitoring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import MongoClient, monitoring

from services.tracking import messages
from services.tracking.adapters.repository import TRACKERS, tracker_document
from services.tracking.bootstrap import TrackingService, bootstrap, create_tracking_app
from shared.events.schemas.shipments import ShipmentBooked
from tests.integration.tracking.tracking_journey import booked_data, new_numbers

pytestmark = pytest.mark.integration
NOT_COUNTED = {"hello", "isMaster", "ismaster", "ping", "endSessions", "buildInfo", "createIndexes"}


class CommandLog(monitoring.CommandListener):
    """Every command sent, as (name, collection, filter)."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in NOT_COUNTED:
            command = event.command
            self.commands.append((event.command_name, command.get(event.command_name), command.get("filter")))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def taken(self) -> list[tuple[str, str, Any]]:
        """The commands since the last call."""
        taken, self.commands = self.commands, []
        return taken


def _service(environ: dict[str, str], topics: dict[str, str], cache_seconds: str) -> TrackingService:
    environ = {**environ, "TRACKING_VIEW_CACHE_SECONDS": cache_seconds}
    return bootstrap(environ, topic_of=lambda _type: topics["tracking"])


@pytest.fixture
def log() -> CommandLog:
    return CommandLog()


def _listened(service: TrackingService, log: CommandLog) -> Iterator[TrackingService]:
    """The service on its own client, whose every command `log` sees."""
    client = MongoClient(service.settings.mongo.uri, tz_aware=True, event_listeners=[log])
    service.database = lambda: client[service.settings.mongo.database]
    yield service
    client.drop_database(service.settings.mongo.database)
    client.close()


@pytest.fixture
def cached(environ, topics, log) -> Iterator[TrackingService]:
    yield from _listened(_service(environ, topics, "60"), log)


@pytest.fixture
def uncached(environ, topics, log) -> Iterator[TrackingService]:
    yield from _listened(_service(environ, topics, "0"), log)


def _book(service: TrackingService) -> tuple[str, str, str]:
    shipment_id, sf, ups = new_numbers()
    now = datetime.now(UTC)
    booked = ShipmentBooked.model_validate(booked_data(shipment_id, sf, ups, now))
    tracker = messages.tracker_from_booking(booked, now, now)
    service.database()[TRACKERS].insert_one({**tracker_document(tracker), "version": 1})  # as the consumer stores it
    service.aliases().add(shipment_id, tracker.numbers)
    return shipment_id, sf, ups


def test_a_carrier_number_costs_two_finds_then_none_while_its_answer_is_cached(cached, log):
    shipment_id, sf, _ups = _book(cached)
    client = create_tracking_app(cached).test_client()
    log.taken()

    first = client.get(f"/v1/tracking/{sf}")
    assert log.taken() == [("find", "aliases", {"_id": sf}), ("find", "trackers", {"_id": shipment_id})]
    again = client.get(f"/v1/tracking/{sf}", headers={"If-None-Match": first.headers["ETag"]})
    repeat = client.get(f"/v1/tracking/{sf}")

    assert log.taken() == []
    assert first.status_code == 200 and again.status_code == 304
    assert repeat.get_data() == first.get_data() and repeat.headers["ETag"] == first.headers["ETag"]


def test_a_resolved_number_skips_the_alias_read_even_with_answers_uncached(uncached, log):
    shipment_id, sf, _ups = _book(uncached)
    client = create_tracking_app(uncached).test_client()
    client.get(f"/v1/tracking/{sf}")
    log.taken()

    assert client.get(f"/v1/tracking/{sf}").status_code == 200
    assert client.get(f"/v1/tracking/{shipment_id}").status_code == 200
    assert log.taken() == [("find", "trackers", {"_id": shipment_id})] * 2


def test_a_batch_reads_its_aliases_and_its_trackers_in_one_query_each(uncached, log):
    (one, sf1, _), (two, _, ups2), (three, _, _) = (_book(uncached) for _ in range(3))
    unknown_sf = new_numbers()[1]
    client = create_tracking_app(uncached).test_client()
    log.taken()

    response = client.post("/v1/tracking/batch", json={"numbers": [sf1, ups2, three, unknown_sf, "bad", sf1]})

    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [200, 200, 200, 404, 400, 200]
    assert [r["tracking"]["numbers"]["shipment_id"] for r in results if r["status"] == 200] == [one, two, three, one]
    assert log.taken() == [
        ("find", "aliases", {"_id": {"$in": sorted([sf1, ups2, unknown_sf])}}),
        ("find", "trackers", {"_id": {"$in": sorted([one, two, three])}}),
    ]
