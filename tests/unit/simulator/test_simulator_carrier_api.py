"""The simulated carriers' query APIs: real formats, only what has happened by now, and the same scans as pushes."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from services.simulator.adapters.carrier_api import carrier_app
from services.simulator.carriers import queries, sf, ups
from services.simulator.domain.carrier_book import CarrierBook
from services.simulator.domain.scenario import Odds
from services.simulator.runner import RunConfig, Simulator
from services.tracking.carriers.sf import parse as sf_parse
from services.tracking.carriers.sf import query as sf_query
from services.tracking.carriers.ups import parse as ups_parse
from tests.unit.simulator.simulator_samples import journey
from tests.unit.simulator.test_simulator_runner import (
    BookingOrders,
    FakeClock,
    FakeWatcher,
    Nothing,
    RecordingIngest,
    _List,
)

CHECK_WORD = "unit-check-word"
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _booked(book: CarrierBook) -> tuple[str, str, list]:
    """One parcel's journey put in the book, each event an hour after the last; (waybill, 1Z, events)."""
    played = journey()
    parcel = played.parcel
    for i, event in enumerate(played.events):
        at = T0 + timedelta(hours=i)
        if event.step.carrier == "sf_express":
            book.add(parcel.sf_waybill, [(at, sf.route(event, parcel.sf_waybill, parcel.shipment_id, at))])
        else:
            book.add(parcel.ups_number, [(at, ups.activity(event, at, gmt=not ups.without_gmt(
                parcel.ups_number, event, at)))])
    return parcel.sf_waybill, parcel.ups_number, played.events


@pytest.fixture
def book() -> CarrierBook:
    return CarrierBook()


def _client(book: CarrierBook, now: datetime, **kwargs):
    return carrier_app(book, CHECK_WORD, now=lambda: now, **kwargs).test_client()


def _sf_query(client, numbers: list[str], check_word: str = CHECK_WORD) -> dict:
    form = sf_query.route_query_form(numbers, "P1", check_word, "req", 1_772_366_400_000)
    return client.post("/std/service", data=form).get_json()


def _ups_token(client) -> str:
    answer = client.post("/security/v1/oauth/token", data={"grant_type": "client_credentials"},
                         auth=("id", "secret"))
    assert answer.status_code == 200 and answer.get_json()["expires_in"] == "14399"
    return answer.get_json()["access_token"]


def test_the_sf_route_query_answers_only_the_routes_that_happened_by_now_in_sfs_envelope(book):
    waybill, _ups, events = _booked(book)
    sf_events = [e for e in events if e.step.carrier == "sf_express"]
    answer = _sf_query(_client(book, T0 + timedelta(hours=1, minutes=30)), [waybill])
    assert answer["apiResultCode"] == "A1000"
    inner = json.loads(answer["apiResultData"])
    assert inner["success"] and len(inner["msgData"]["routeResps"][0]["routes"]) == min(2, len(sf_events))
    assert "mailno" not in inner["msgData"]["routeResps"][0]["routes"][0]  # the query's shape, not the push's


def test_a_polled_sf_route_has_the_scan_id_of_the_same_route_pushed(book):
    waybill, _ups, events = _booked(book)
    pushed = sf.route_push([item for _at, item in book.known(waybill, T0 + timedelta(days=30))])
    polled = _sf_query(_client(book, T0 + timedelta(days=30)), [waybill])
    assert {s.scan_id for s in sf_parse.parse(polled).scans} == {s.scan_id for s in sf_parse.parse(pushed).scans}
    assert len(sf_parse.parse(polled).scans) == sum(e.step.carrier == "sf_express" for e in events)


def test_sf_answers_unknown_waybills_more_than_ten_and_a_bad_signature_with_its_codes(book):
    client = _client(book, T0)
    unknown = sf_parse.parse(_sf_query(client, ["SF0000000000000"]))
    assert [e.code for e in unknown.errors] == [queries.SF_NONE_FOUND] and unknown.scans == []
    form = sf_query.route_query_form(["SF0000000000000"], "P1", CHECK_WORD, "req", 1)
    form["msgData"] = json.dumps({"trackingNumber": [f"SF{n:013d}" for n in range(11)]})
    form["msgDigest"] = sf.msg_digest(form["msgData"], form["timestamp"], CHECK_WORD)
    assert [e.code for e in sf_parse.parse(client.post("/std/service", data=form).get_json()).errors] == ["8003"]
    assert _sf_query(client, ["SF0000000000000"], check_word="wrong")["apiResultCode"] == "A1006"


def test_the_ups_track_api_needs_a_token_and_answers_the_activities_so_far_newest_first(book):
    _waybill, number, events = _booked(book)
    client = _client(book, T0 + timedelta(days=30), ups_client=("id", "secret"))
    assert client.get(f"/api/track/v1/details/{number}").status_code == 401
    assert client.post("/security/v1/oauth/token", data={"grant_type": "client_credentials"},
                       auth=("id", "wrong")).status_code == 401
    token = _ups_token(client)
    answer = client.get(f"/api/track/v1/details/{number}", headers={"Authorization": f"Bearer {token}"}).get_json()
    parsed = ups_parse.parse(answer)
    movements = [s for s in parsed.scans if s.kind != "eta_update"]
    assert len(movements) == sum(e.step.carrier == "ups" for e in events) and not parsed.refusals
    times = [s.occurred_at for s in movements]  # in the answer's order
    assert times == sorted(times, reverse=True)


def test_an_unknown_1z_gets_upss_not_found_warning(book):
    client = _client(book, T0)
    token = _ups_token(client)
    answer = client.get("/api/track/v1/details/1ZCIETST0422222228", headers={"Authorization": f"Bearer {token}"})
    parsed = ups_parse.parse(answer.get_json())
    assert answer.status_code == 200 and [w.code for w in parsed.warnings] == ["TW0001"] and parsed.scans == []


def test_during_an_outage_both_carriers_answer_503_with_retry_after(book):
    outage = threading.Event()
    outage.set()
    client = _client(book, T0, outage=outage)
    answer = client.get("/api/track/v1/details/1ZCIETST0422222228")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert client.post("/std/service").status_code == 503


def test_a_withheld_parcel_is_never_pushed_but_its_carriers_know_every_event():
    clock, watcher, truth, book = FakeClock(), FakeWatcher(), [], CarrierBook()
    config = RunConfig(orders=2, rate=50, speed=50, seed=3, until_done=True, odds=Odds(withhold=1.0, duplicate=0))
    ingest = RecordingIngest(clock)
    simulator = Simulator(config, BookingOrders(watcher), ingest, watcher, _List(truth), Nothing(),
                          now=clock.now, sleep=clock.sleep, book=book)
    assert simulator.run() == "done"
    parcels = [r for r in truth if r["record"] == "parcel"]
    assert ingest.sf == [] and ingest.ups == []
    assert all(p["withheld"] and not p["complete"] for p in parcels)
    assert simulator.tally.withheld == sum(len(p["events"]) for p in parcels)
    known = sum(len(book.known(n, clock.now())) for p in parcels for n in (p["sf_waybill"], p["ups_tracking_number"]))
    assert known == simulator.tally.withheld


def test_a_polled_ups_activity_has_the_scan_id_of_the_same_event_pushed_as_a_track_alert(book):
    _waybill, number, events = _booked(book)
    alerts = [ups.alert(e, number, T0 + timedelta(hours=i), gmt=not ups.without_gmt(number, e, T0 + timedelta(hours=i)))
              for i, e in enumerate(events) if e.step.carrier == "ups"]
    polled = ups_parse.parse(queries.ups_track_answer(number, book.known(number, T0 + timedelta(days=30))))
    pushed = {s.scan_id for s in ups_parse.parse(alerts).scans}
    assert pushed and pushed == {s.scan_id for s in polled.scans if s.kind != "eta_update"}
