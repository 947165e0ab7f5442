"""Where a scan's local time is placed (zones) and where a hub scan is placed (legs): the pure rules."""

import dataclasses
from datetime import UTC, datetime

import pytest

from services.tracking.domain import rules
from services.tracking.domain.model import Entry
from services.tracking.domain.scan import CanonicalScan
from services.tracking.domain.zones import ZoneGuess, zone_of
from tests.unit.tracking.tracking_samples import at, scan


@pytest.mark.parametrize("country, region, postal, expected", [
    ("US", "TX", "79901", ZoneGuess("America/Denver", True)),  # El Paso: Mountain, though Texas is Central
    ("US", "TX", "77002", ZoneGuess("America/Chicago", True)),
    ("US", "TX", None, ZoneGuess("America/Chicago", False)),  # a split state without a ZIP: a guess
    ("US", "CA", None, ZoneGuess("America/Los_Angeles", True)),  # one zone: no ZIP needed
    (None, "NJ", "07470", ZoneGuess("America/New_York", True)),  # a US state code alone means the US
    ("United States", "IN", "46402-1234", ZoneGuess("America/Chicago", True)),  # ZIP+4, Gary IN
    ("CN", "Guangdong", "518128", ZoneGuess("Asia/Shanghai", True)),
    ("HK", None, None, ZoneGuess("Asia/Hong_Kong", True)),
    ("TW", None, None, ZoneGuess("Asia/Taipei", True)),
    ("MX", None, None, None),  # several zones and no table: the caller falls back to the last known zone
    (None, None, None, None),
])
def test_a_location_names_its_zone_or_says_it_cannot(country, region, postal, expected):
    assert zone_of(country, region, postal) == expected


def _fold(start: str, *scans) -> list[tuple[str | None, str]]:
    """(placed milestone, tracker milestone after) for each scan, from a tracker standing at `start`."""
    progress = rules.Progress(status=rules.STATUS_OF[start], milestone=start, leg=rules.LEG_OF[start],
                              carrier="jv", reason=None, since=datetime(2025, 1, 1, tzinfo=UTC))
    seen = []
    for seq, item in enumerate(scans):
        placed = rules.placed(progress.milestone, item.milestone, item.by_leg)
        progress = rules.advance(progress, Entry(item, seq).step(), {})
        seen.append((placed, progress.milestone))
    return seen


def _hub(day: int) -> CanonicalScan:
    """A facility scan (arrival, departure, sort) that says nothing of its leg."""
    return dataclasses.replace(scan("in_transit", "origin_hub_processed", at(day), code=f"hub{day}"), by_leg=True)


@pytest.mark.parametrize("start, placed", [
    ("first_mile_picked_up", "origin_hub_processed"),
    ("export_customs_cleared", "origin_hub_processed"),  # placed at the origin hub: the milestone stays put
    ("linehaul_departed", "arrived_destination_country"),
    ("arrived_destination_country", "arrived_destination_country"),
    ("import_customs_in_progress", "import_customs_in_progress"),
    ("import_customs_released", "last_mile_in_transit"),
    ("out_for_delivery", "last_mile_in_transit"),
])
def test_a_hub_scan_belongs_to_the_leg_the_parcel_is_on(start, placed):
    [(where, _after)] = _fold(start, _hub(5))
    assert where == placed


def test_a_hub_scan_never_moves_the_tracker_back_to_the_origin():
    assert _fold("import_customs_released", _hub(5), _hub(6)) == [
        ("last_mile_in_transit", "last_mile_in_transit"), ("last_mile_in_transit", "last_mile_in_transit")]


def test_a_label_scan_after_a_physical_scan_changes_nothing_not_even_a_hold():
    hold = scan("on_hold", "import_customs_in_progress", at(5), reason="customs_duties_unpaid", code="hold")
    label = scan("pending", "label_created", at(6), code="label")
    progress = rules.starting_progress(at(1))
    for seq, item in enumerate((hold, label)):
        progress = rules.advance(progress, Entry(item, seq).step(), {})
    assert (progress.status, progress.milestone, progress.reason) == (
        "on_hold", "import_customs_in_progress", "customs_duties_unpaid")
