"""Scans no parcel of ours can have made, refused at the edge instead of parked for a tracker that never comes.

A parked scan waits for its number's shipment to be booked; a number that fails its carrier's check digit, or a
scan dated before 1970 or after 2100, never resolves, so parking it would keep it forever.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.tracking.carriers.mapping import MalformedPayload
from services.tracking.domain.numbers import MalformedNumber, recognise
from services.tracking.domain.scan import CanonicalScan
from shared.http.hygiene import time_in_range

CARRIER_NUMBER_KIND = {"sf_express": "sf_waybill", "ups": "ups_tracking_number"}


def check_plausible(scans: Sequence[CanonicalScan]) -> Sequence[CanonicalScan]:
    """`scans` unchanged when each could be real; MalformedPayload naming the first that cannot."""
    for index, scan in enumerate(scans):
        _check_number(scan, index)
        try:
            time_in_range(scan.occurred_at)
        except ValueError as exc:
            raise MalformedPayload(f"event {index} ({scan.carrier_number}): its time {exc}") from exc
    return scans


def _check_number(scan: CanonicalScan, index: int) -> None:
    expected = CARRIER_NUMBER_KIND.get(scan.carrier)
    try:
        kind = recognise(scan.carrier_number).kind
    except MalformedNumber as exc:
        raise MalformedPayload(f"event {index}: {scan.carrier_number!r} is no {scan.carrier} number: {exc}") from exc
    if expected and kind != expected:
        raise MalformedPayload(f"event {index}: {scan.carrier_number!r} is a {kind}, not a {scan.carrier} number")
