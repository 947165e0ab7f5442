"""Scans no parcel of ours can have made, refused at the edge instead of parked for a tracker that never comes.

A parked scan waits for its number's shipment to be booked; a number that fails its carrier's check digit, or a
scan dated before 1970 or after 2100, never resolves, so parking it would keep it forever. Like every other
refusal, it costs only its own item: the payload's plausible scans are still accepted.
"""

from __future__ import annotations

from services.tracking.carriers.refusals import Parsed, Refusal
from services.tracking.domain.numbers import MalformedNumber, recognise
from services.tracking.domain.scan import CanonicalScan
from shared.http.hygiene import time_in_range

CARRIER_NUMBER_KIND = {"sf_express": "sf_waybill", "ups": "ups_tracking_number"}


def check_plausible(parsed: Parsed) -> Parsed:
    """`parsed` with each scan that cannot be real moved to its refusals."""
    kept = []
    for index, scan in enumerate(parsed.scans):
        refusal = _implausible(scan, f"scan {index} ({scan.carrier_number})")
        if refusal is None:
            kept.append(scan)
        else:
            parsed.refusals.append(refusal)
    parsed.scans = kept
    return parsed


def _implausible(scan: CanonicalScan, where: str) -> Refusal | None:
    expected = CARRIER_NUMBER_KIND.get(scan.carrier)
    try:
        kind = recognise(scan.carrier_number).kind
    except MalformedNumber as exc:
        return Refusal(where, "implausible_number", f"{scan.carrier_number!r} is no {scan.carrier} number: {exc}")
    if expected and kind != expected:
        return Refusal(where, "implausible_number", f"{scan.carrier_number!r} is a {kind}, not a {scan.carrier} number")
    try:
        time_in_range(scan.occurred_at)
    except ValueError as exc:
        return Refusal(where, "time_out_of_range", f"its time {exc}")
    return None
