"""A parcel's trace is stored as one JSON string and reads back as the entries the domain wrote."""

from datetime import UTC, datetime

from services.console.adapters.readmodel import _decoded, _encoded
from services.console.domain import pipeline


def _parcel() -> dict:
    parcel = pipeline.new_parcel("PBGWYSWAHCD9N97")
    event = {"type": "com.parcelbridge.scan.recorded", "time": "2025-06-01T14:00:00+00:00"}
    return pipeline.with_trace(parcel, pipeline.trace_entry("carrier-scans.v1", 2, 41, event, "深圳 sorted"))


def test_the_trace_is_one_string_and_reads_back_equal():
    parcel = _parcel()

    stored = _encoded(parcel)

    assert isinstance(stored["trace"], str) and "深圳" in stored["trace"]
    assert _decoded(stored) == parcel
    assert _decoded(stored)["trace"][0]["at"] == datetime(2025, 6, 1, 14, tzinfo=UTC)


def test_documents_written_with_a_list_trace_still_read():
    parcel = _parcel()

    assert _decoded(parcel) == parcel and _decoded(None) is None
