"""The stored form of a tracker's timeline: one JSON string that reads back to the same entries."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from services.tracking.adapters import timeline_codec
from services.tracking.domain.model import Entry
from services.tracking.domain.scan import Location
from tests.unit.tracking.tracking_samples import at, scan


def _timeline() -> list[Entry]:
    arrived = dataclasses.replace(
        scan("in_transit", "origin_hub_processed", at(2, 9), carrier="sf_express", code="30"),
        location=Location(city="深圳", country="CN", description="快件已到达【深圳宝安转运中心】"),
        raw_text="快件已到达", raw={"opCode": "30", "nested": [[1, 2], {"a": None}]},
    )
    estimate = scan("in_transit", None, at(6, 1), kind="eta_update", estimate=date(2025, 6, 11))
    return [Entry(arrived, 0), Entry(estimate, 1, future_dated=True)]


def _without_raw(entries: list[Entry]) -> list[Entry]:
    return [dataclasses.replace(e, scan=dataclasses.replace(e.scan, raw={})) for e in entries]


def test_entries_read_back_equal_except_the_raw_payload_which_stays_on_the_topic():
    timeline = _timeline()

    stored = timeline_codec.encode(timeline)

    assert isinstance(stored, str)
    assert timeline_codec.decode(stored) == _without_raw(timeline)
    assert "nested" not in stored


def test_times_read_back_as_aware_instants_and_text_stays_readable():
    stored = timeline_codec.encode(_timeline())

    first, second = timeline_codec.decode(stored)

    assert first.scan.occurred_at == at(2, 9) and first.scan.occurred_at.utcoffset() is not None
    assert second.scan.delivery_estimate == date(2025, 6, 11)
    assert "深圳宝安转运中心" in stored  # not \\u-escaped: readable in a MongoDB shell


def test_the_array_shape_of_documents_written_before_the_string_is_still_read():
    timeline = _without_raw(_timeline())
    older = json.loads(timeline_codec.encode(timeline))
    for document in older:  # the driver handed those times back as datetimes, not strings
        document["scan"]["occurred_at"] = at(2, 9) if document["seq"] == 0 else at(6, 1)

    assert timeline_codec.decode(older) == timeline


def test_an_empty_timeline_round_trips():
    assert timeline_codec.decode(timeline_codec.encode([])) == []
