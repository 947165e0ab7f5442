"""The reconciliation poller against the real broker and store, asking the simulator's carrier query APIs over HTTP.

The carrier side is the simulator's own query API (services/simulator/adapters/carrier_api.py) on an ephemeral
port, answering in SF's and UPS's formats from a book of what "happened"; thresholds are seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from services.simulator.adapters.carrier_api import carrier_app
from services.simulator.domain.carrier_book import CarrierBook
from services.tracking import worker
from services.tracking.adapters.reconciliation_store import (
    MongoQuietIndex,
    MongoReconciliationStore,
    backfill_quiet_keys,
)
from services.tracking.adapters.repository import QUIET
from services.tracking.bootstrap import bootstrap
from services.tracking.domain.reconciliation import quiet_before, quiet_key, quiet_of
from shared.events.envelope import new_event
from shared.liveness import serve
from tests.integration.tracking.tracking_flow import records_on, run_until
from tests.integration.tracking.tracking_journey import CHECK_WORD, booked_data, new_numbers, post_items, sf_route

pytestmark = pytest.mark.integration
COOL_DOWN_S = 2.0


class CountingApp:
    """WSGI middleware counting the requests that reach the carriers (a call the breaker held back never does)."""

    def __init__(self, app) -> None:
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def book() -> CarrierBook:
    return CarrierBook()


@pytest.fixture
def outage() -> threading.Event:
    return threading.Event()


@pytest.fixture
def carriers(book, outage) -> Iterator[CountingApp]:
    app = CountingApp(carrier_app(book, CHECK_WORD, ("pb-client", "pb-secret"), outage))
    server = serve("127.0.0.1", 0, app)
    app.url = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    server.server_close()


@pytest.fixture
def environ(environ, carriers) -> dict[str, str]:
    """The tracking service's environment, with both carriers' query APIs and thresholds of a second."""
    return {**environ, "SF_ROUTE_QUERY_URL": f"{carriers.url}/std/service", "SF_PARTNER_ID": "PB_TEST",
            "UPS_TRACK_API_URL": carriers.url, "UPS_CLIENT_ID": "pb-client", "UPS_CLIENT_SECRET": "pb-secret",
            **{f"TRACKING_RECON_QUIET_{leg}_SECONDS": "1" for leg in
               ("FIRST_MILE", "EXPORT_CUSTOMS", "AIR_LINEHAUL", "IMPORT_CUSTOMS", "LAST_MILE")},
            "TRACKING_RECON_ATTEMPTS": "2", "TRACKING_RECON_BACKOFF_SECONDS": "0.05",
            "TRACKING_RECON_BACKOFF_CAP_SECONDS": "5", "TRACKING_RECON_BREAKER_FAILURES": "2",
            "TRACKING_RECON_BREAKER_COOL_DOWN_SECONDS": str(COOL_DOWN_S), "TRACKING_RECON_RATE_PER_SECOND": "50"}


@pytest.fixture
def poller(service):
    stop = threading.Event()
    yield service.reconciler(stop, on_progress=lambda: None)
    stop.set()


def _book_parcel(service, publish, runner, start: datetime) -> tuple[str, str, str]:
    shipment_id, sf, ups = new_numbers()
    publish([new_event("shipment.booked", shipment_id, booked_data(shipment_id, sf, ups, start), source="/test")])
    run_until(runner, lambda: service.trackers().get(shipment_id) is not None)
    return shipment_id, sf, ups


def _sf_entries(service, shipment_id: str) -> list:
    return [e.scan for e in service.trackers().get(shipment_id).timeline if e.scan.carrier == "sf_express"]


def test_a_parcel_whose_scans_were_never_pushed_gets_them_through_the_poller(service, publish, runner, book, poller,
                                                                              topics):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    shipment_id, sf, _ups = _book_parcel(service, publish, runner, start)
    book.add(sf, [(start + timedelta(hours=2), sf_route(sf, start + timedelta(hours=2), "50", "顺丰速运 已收取快件")),
                  (start + timedelta(hours=6), sf_route(sf, start + timedelta(hours=6), "30", "快件完成分拣"))])

    report = poller.run_pass()

    assert (report.due, report.calls, report.scans, report.learned) == (1, 1, 2, 2)
    run_until(runner, lambda: len(_sf_entries(service, shipment_id)) == 2)
    tracker = service.trackers().get(shipment_id)
    assert (tracker.state.status, tracker.state.milestone) == ("in_transit", "origin_hub_processed")
    assert poller.run_pass().due == 0  # asked about just now: not again before its threshold


def test_a_scan_both_pushed_and_polled_appears_once(service, client, publish, runner, book, poller, topics):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    shipment_id, sf, _ups = _book_parcel(service, publish, runner, start)
    pickup = sf_route(sf, start + timedelta(hours=2), "50", "顺丰速运 已收取快件")
    sorted_at_hub = sf_route(sf, start + timedelta(hours=6), "30", "快件完成分拣")
    book.add(sf, [(start + timedelta(hours=2), pickup), (start + timedelta(hours=6), sorted_at_hub)])
    before = records_on(service, topics["scans"])

    assert post_items(client, [("sf_push", pickup)], sf, "") == [200]  # pushed, not yet applied...
    assert poller.run_pass().scans == 2  # ...and polled: the pickup is on the topic twice

    assert records_on(service, topics["scans"]) - before == 3
    run_until(runner, lambda: runner.counts.consumed >= 1 + 3)
    entries = _sf_entries(service, shipment_id)
    assert sorted(s.raw_codes["opCode"] for s in entries) == ["30", "50"]
    assert len({s.scan_id for s in entries}) == 2


def test_a_carrier_answering_503_opens_the_breaker_and_is_not_called_until_the_cool_down(
        service, publish, runner, book, poller, outage, carriers):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    _book_parcel(service, publish, runner, start)
    outage.set()

    first, second = poller.run_pass(), poller.run_pass()  # each call tried twice (Retry-After: 1 s waited)
    opened = time.monotonic()  # the second failure in a row opened the breaker
    assert (first.failed, second.failed, carriers.calls) == (1, 1, 4)

    passes = 0
    while time.monotonic() - opened < COOL_DOWN_S - 0.3:  # open: every pass skips the carrier, no request goes out
        skipped = poller.run_pass()
        assert (skipped.skipped, skipped.calls, skipped.failed) == (1, 0, 0)
        passes += 1
        time.sleep(0.1)
    assert passes >= 3 and carriers.calls == 4

    time.sleep(max(0.0, opened + COOL_DOWN_S + 0.1 - time.monotonic()))
    outage.clear()
    trial = poller.run_pass()  # half-open: one trial call, which now succeeds and closes the breaker
    assert (trial.calls, trial.failed, trial.skipped) == (1, 0, 0) and carriers.calls == 5


@pytest.fixture
def relay_environ(environ) -> dict[str, str]:
    return {**environ, "TRACKING_RECON_INTERVAL_SECONDS": "0.2", "TRACKING_OUTBOX_SWEEP_SECONDS": "0.1"}


def test_the_tracking_relay_process_runs_the_poller_on_its_passes(service, publish, runner, book, relay_environ,
                                                                  topics):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    shipment_id, sf, _ups = _book_parcel(service, publish, runner, start)
    book.add(sf, [(start + timedelta(hours=2), sf_route(sf, start + timedelta(hours=2), "50", "顺丰速运 已收取快件"))])
    relay_service = bootstrap(relay_environ, topic_of=service.topic_of)
    stop = threading.Event()
    relay = threading.Thread(target=worker.MODES["relay"], args=(relay_service, stop), daemon=True)
    relay.start()
    try:
        run_until(runner, lambda: len(_sf_entries(service, shipment_id)) == 1, timeout=60)
    finally:
        stop.set()
        relay.join(timeout=15)
        relay_service.close()
    assert not relay.is_alive()
    assert service.trackers().get(shipment_id).state.status == "picked_up"


def test_the_stores_quiet_keys_are_an_id_range_in_key_order_and_polls_are_kept_until_forgotten(service):
    database = service.database()
    index, store = MongoQuietIndex(database), MongoReconciliationStore(database)
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    keys = [quiet_key(t0 + timedelta(minutes=n), f"PB{n:013d}") for n in range(5)]
    index.note(list(reversed(keys)))
    index.note(keys[:2])  # noted twice: kept once
    upto = quiet_before(t0 + timedelta(minutes=3))
    assert store.quiet_keys(upto, None, 10) == keys[:4]
    assert store.quiet_keys(upto, None, 2) == keys[:2] and store.quiet_keys(upto, keys[1], 2) == keys[2:4]
    index.forget([keys[0]])
    store.drop_keys([keys[1]])
    assert store.quiet_keys(upto, None, 10) == keys[2:4]

    store.record_polls(["PB1", "PB2"], t0)
    store.record_polls(["PB2"], t0 + timedelta(hours=1))  # asked again: the latest time is kept
    assert store.polled(["PB1", "PB2", "PB3"]) == {"PB1": t0, "PB2": t0 + timedelta(hours=1)}
    assert store.forget_polls(t0 + timedelta(minutes=30)) == 1 and store.polled(["PB1", "PB2"]).keys() == {"PB2"}


def test_the_backfill_gives_every_unsettled_tracker_written_before_the_poller_its_key(service, publish, runner):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    ids = [_book_parcel(service, publish, runner, start + timedelta(minutes=n))[0] for n in range(3)]
    cancelled = service.trackers().get(ids[0])
    publish([new_event("shipment.cancelled", ids[0], {"shipment_id": ids[0], "order_id": cancelled.order_id,
                                                       "shipper_id": cancelled.shipper_id}, source="/test")])
    run_until(runner, lambda: service.trackers().get(ids[0]).state.status == "cancelled")
    database = service.database()
    database[QUIET].delete_many({})  # as a store from before recon_quiet existed

    noted = backfill_quiet_keys(database, page=2)

    keys = sorted(d["_id"] for d in database[QUIET].find({}))
    assert noted == 2 and keys == sorted(quiet_of(service.trackers().get(s)).key for s in ids[1:])
