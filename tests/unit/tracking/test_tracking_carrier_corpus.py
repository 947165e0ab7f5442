"""Real-shaped carrier payloads (written from the carriers' public documentation, cited in each fixture's
`source`) -> what each event means: UTC time, the scan's status, its milestone as the tracker places it,
and the tracker's status and milestone after it. Also what is refused, and the carrier's own words echoed.

Each case starts the tracker at the milestone the parcel would have reached before the payload (a UPS
payload follows SF's linehaul), folds the payload's scans in event-time order, and states every event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.tracking.carriers.refusals import Parsed
from services.tracking.carriers.sf.parse import parse as parse_sf
from services.tracking.carriers.ups.parse import parse as parse_ups
from services.tracking.domain import rules
from services.tracking.domain.model import Entry

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
UPS = "1ZCIETST0111111114"
SF = "SF1234567890128"
# (UTC time, scan status, milestone as placed, tracker status after, tracker milestone after)
Event = tuple[str, str | None, str | None, str, str]


@dataclass(frozen=True)
class Case:
    parse: Any
    start: str  # the tracker's milestone before the payload
    events: list[Event]
    refused: set[tuple[str, str]] = field(default_factory=set)  # (where, reason)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    approximate: set[int] = field(default_factory=set)  # indexes of events whose time is a guess
    numbers: set[str] = field(default_factory=set)


CASES: dict[str, Case] = {
    "ups_local_times_only.json": Case(parse_ups, "linehaul_departed", [
        ("2025-06-05T13:15:00", "in_transit", "arrived_destination_country",  # 06:15 PDT, Ontario CA
         "in_transit", "arrived_destination_country"),
        ("2025-06-05T21:20:00", "in_transit", "import_customs_released",  # X SR with 003: a release, not pending
         "in_transit", "import_customs_released"),
        ("2025-06-06T06:10:00", "in_transit", "last_mile_in_transit",  # DP after import release: last mile
         "in_transit", "last_mile_in_transit"),
        ("2025-06-06T16:15:00", "in_transit", "last_mile_in_transit",  # 10:15 MDT: El Paso's ZIP, not Texas
         "in_transit", "last_mile_in_transit"),
        ("2025-06-07T09:30:00", "in_transit", "last_mile_in_transit", "in_transit", "last_mile_in_transit"),
        ("2025-06-07T13:12:00", "out_for_delivery", "out_for_delivery", "out_for_delivery", "out_for_delivery"),
        ("2025-06-07T19:33:00", "delivered", "delivered", "delivered", "delivered"),
    ], numbers={UPS}),
    "ups_placeholder_number_single_objects.json": Case(parse_ups, "import_customs_released", [
        ("2021-02-10T07:47:00", "in_transit", "last_mile_in_transit",  # gmtTime '74700' is 07:47:00
         "in_transit", "last_mile_in_transit"),
        ("2021-02-10T07:47:00", None, None, "in_transit", "last_mile_in_transit"),  # SDD 2021-02-12: ETA only
    ], numbers={"1ZCIETST0422222228"}),
    "ups_warnings_beside_data.json": Case(parse_ups, "arrived_destination_country", [
        ("2025-06-06T01:30:00", "on_hold", "import_customs_in_progress", "on_hold", "import_customs_in_progress"),
        ("2025-06-06T17:15:00", "in_transit", "import_customs_released", "in_transit", "import_customs_released"),
    ], warnings=["TW0001", "TW0001"], numbers={UPS}),
    "ups_current_status_contradicts_activities.json": Case(parse_ups, "import_customs_released", [
        ("2025-11-02T06:30:00", "in_transit", "last_mile_in_transit",  # YP with 003: the pair decides
         "in_transit", "last_mile_in_transit"),
        ("2025-11-03T07:00:00", "pending", "label_created",  # a label re-print moves nothing back
         "in_transit", "last_mile_in_transit"),
        ("2025-11-03T13:45:00", "out_for_delivery", "out_for_delivery",  # currentStatus D does not deliver it
         "out_for_delivery", "out_for_delivery"),
    ], numbers={UPS}),
    "ups_one_bad_activity_among_good.json": Case(parse_ups, "import_customs_released", [
        ("2025-01-09T23:05:00", "in_transit", "last_mile_in_transit",  # 18:05 EST, Indianapolis
         "in_transit", "last_mile_in_transit"),
        ("2025-01-10T12:40:00", "out_for_delivery", "out_for_delivery",  # 06:40 CST: Gary keeps Central time
         "out_for_delivery", "out_for_delivery"),
    ], refused={("shipment[0].package[0].activity[1]", "wrong_type"),
                ("shipment[0].package[0].activity[2]", "bad_time")}, numbers={UPS}),
    "ups_error_answer.json": Case(parse_ups, "import_customs_released", [], errors=["TV1002"]),
    "ups_alerts_masked_number_and_no_location.json": Case(parse_ups, "import_customs_released", [
        ("2025-03-06T17:05:00", "in_transit", "last_mile_in_transit", "in_transit", "last_mile_in_transit"),
        ("2025-03-10T14:30:00", "out_for_delivery", "out_for_delivery",  # 07:30 in LA's zone, now PDT: a guess
         "out_for_delivery", "out_for_delivery"),
    ], refused={("[2]", "masked_number")}, approximate={1}, numbers={UPS}),
    "sf_push_chinese_remarks_after_flight.json": Case(parse_sf, "label_created", [
        ("2025-06-02T01:15:00", "picked_up", "first_mile_picked_up", "picked_up", "first_mile_picked_up"),
        ("2025-06-02T10:40:00", "in_transit", "origin_hub_processed", "in_transit", "origin_hub_processed"),
        ("2025-06-02T13:05:00", "in_transit", "origin_hub_processed", "in_transit", "origin_hub_processed"),
        ("2025-06-03T03:20:00", "in_transit", "export_customs_in_progress",
         "in_transit", "export_customs_in_progress"),
        ("2025-06-03T17:10:00", "in_transit", "linehaul_departed", "in_transit", "linehaul_departed"),
        ("2025-06-04T08:45:00", "in_transit", "arrived_destination_country",  # 31 after the flight: abroad
         "in_transit", "arrived_destination_country"),
        ("2025-06-04T11:30:00", "in_transit", "arrived_destination_country",
         "in_transit", "arrived_destination_country"),
    ], numbers={SF}),
    "sf_query_status_codes_by_leg.json": Case(parse_sf, "label_created", [
        ("2025-06-02T01:15:00", "picked_up", "first_mile_picked_up", "picked_up", "first_mile_picked_up"),
        ("2025-06-02T10:40:00", "in_transit", "origin_hub_processed", "in_transit", "origin_hub_processed"),
        ("2025-06-03T03:20:00", "in_transit", "export_customs_in_progress",
         "in_transit", "export_customs_in_progress"),
        ("2025-06-03T12:00:00", "in_transit", "export_customs_cleared", "in_transit", "export_customs_cleared"),
        ("2025-06-03T17:10:00", "in_transit", "linehaul_departed", "in_transit", "linehaul_departed"),
        ("2025-06-04T08:45:00", "in_transit", "arrived_destination_country",  # 31 with 201 after the flight
         "in_transit", "arrived_destination_country"),
    ], numbers={SF}),
    "sf_push_masked_and_malformed_routes.json": Case(parse_sf, "label_created", [
        ("2025-06-05T00:30:00", "in_transit", "origin_hub_processed", "in_transit", "origin_hub_processed"),
    ], refused={("Body.WaybillRoute[1]", "masked_number"), ("Body.WaybillRoute[2]", "bad_time"),
                ("Body.WaybillRoute[3]", "no_code")}, numbers={SF}),
    "sf_push_single_route_object.json": Case(parse_sf, "out_for_delivery", [
        ("2025-06-07T18:33:00", "delivered", "delivered", "delivered", "delivered"),
    ], numbers={SF}),
    "sf_query_error_answer.json": Case(parse_sf, "label_created", [], errors=["8003"]),
}


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / name).read_text())


def _events(parsed: Parsed, start: str) -> list[Event]:
    """Fold the scans, in event-time order, from a tracker standing at `start`; what each event did."""
    progress = rules.Progress(status=rules.STATUS_OF[start], milestone=start, leg=rules.LEG_OF[start],
                              carrier="jv", reason=None, since=datetime(2000, 1, 1, tzinfo=UTC))
    seen = []
    ordered = sorted(enumerate(parsed.scans), key=lambda pair: (pair[1].occurred_at, pair[0]))
    for seq, scan in ordered:
        placed = rules.placed(progress.milestone, scan.milestone, scan.by_leg)
        progress = rules.advance(progress, Entry(scan, seq).step(), {})
        moment = scan.occurred_at.astimezone(UTC).replace(tzinfo=None).isoformat()
        seen.append((moment, scan.status, placed, progress.status, progress.milestone))
    return seen


def test_the_corpus_has_at_least_six_ups_and_four_sf_payloads_each_citing_its_source():
    names = sorted(path.name for path in CORPUS.glob("*.json"))
    assert names == sorted(CASES)
    assert sum(n.startswith("ups_") for n in names) >= 6 and sum(n.startswith("sf_") for n in names) >= 4
    for name in names:
        assert all(line.strip() for line in _fixture(name)["source"]), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_event_has_its_utc_time_status_and_milestone(name):
    case = CASES[name]
    parsed = case.parse(_fixture(name)["payload"])
    assert _events(parsed, case.start) == case.events


@pytest.mark.parametrize("name", sorted(CASES))
def test_only_the_malformed_items_are_refused_and_the_carriers_words_are_echoed(name):
    case = CASES[name]
    parsed = case.parse(_fixture(name)["payload"])
    assert {(r.where, r.reason) for r in parsed.refusals} == case.refused
    assert [w.code for w in parsed.warnings] == case.warnings
    assert [e.code for e in parsed.errors] == case.errors
    assert {s.carrier_number for s in parsed.scans} == case.numbers


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_guessed_zone_is_flagged_and_the_local_time_and_derivation_are_kept(name):
    case = CASES[name]
    parsed = case.parse(_fixture(name)["payload"])
    movements = sorted((s for s in parsed.scans if s.kind == "movement"), key=lambda s: s.occurred_at)
    everything = sorted(parsed.scans, key=lambda s: s.occurred_at)
    flagged = {everything.index(s) for s in parsed.scans if s.approximate_time}
    assert flagged == case.approximate
    assert all(s.local_time and s.time_basis for s in movements)
    assert all(s.time_zone for s in movements if s.time_basis != "gmt")  # GMT needs no zone to place it
    assert all((s.time_basis == "last_known") == s.approximate_time for s in movements)
