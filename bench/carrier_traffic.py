"""Carrier traffic for booked parcels: each parcel's journey as SF route pushes and UPS Track Alerts.

Journeys and wire formats come from the carrier simulator (`services.simulator`), so the bench posts what
the simulator — and SF and UPS — post. Each journey is moved into the past (it ends an hour ago), so no scan
is future-dated. The expected canonical scans come from the tracking service's own pure parsers.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.simulator.carriers import sf, ups
from services.simulator.domain.parcel import parcel_from_booking
from services.simulator.domain.scenario import Odds, PlannedEvent, plan_journey
from services.tracking.carriers.sf import parse as sf_parse
from services.tracking.carriers.ups import parse as ups_parse
from services.tracking.domain.scan import CanonicalScan
from shared.events.schemas.shipments import ShipmentBooked

ENDED_AGO = timedelta(hours=1)
# Duplicates and reordering are played by the simulator's runner, not by plan_journey: every scan sent here
# is distinct, so "applied" can be checked by counting timeline entries.
ODDS = Odds()


@dataclass(frozen=True)
class CarrierRequest:
    carrier: str  # "sf_express" or "ups"
    body: str  # exactly the bytes sent (SF signs them at send time: its timestamp must be fresh)
    scans: int


@dataclass(frozen=True)
class Traffic:
    requests: list[CarrierRequest]
    expected: dict[str, set[str]]  # shipment id -> scan ids it must end up with
    scans: list[CanonicalScan]  # resolved to their shipment, in sending order

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.expected.values())


@dataclass(frozen=True)
class _Sent:
    booking: ShipmentBooked
    event: PlannedEvent
    at: datetime


def traffic(bookings: list[ShipmentBooked], scans: int, batch: int, seed: int) -> Traffic:
    """About `scans` scans spread evenly over the bookings, in rounds (every parcel's n-th scan, then n+1)."""
    per_parcel = _shares(scans, len(bookings))
    journeys = [_journey(booking, count, random.Random(seed + i))
                for i, (booking, count) in enumerate(zip(bookings, per_parcel, strict=True))]
    owners = {number: b.shipment_id for b in bookings for number in (b.sf_waybill, b.ups_tracking_number)}
    requests, parsed = [], []
    for round_ in _rounds(journeys):
        for carrier, sent in _by_carrier(round_).items():
            for start in range(0, len(sent), batch):
                request = _request(carrier, sent[start:start + batch])
                requests.append(request)
                parsed.extend(s.resolved(owners[s.carrier_number]) for s in _parse(request))
    expected: dict[str, set[str]] = defaultdict(set)
    for scan in parsed:
        expected[scan.shipment_id].add(scan.scan_id)
    return Traffic(requests, dict(expected), parsed)


def _shares(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _journey(booking: ShipmentBooked, count: int, rng: random.Random) -> list[_Sent]:
    events = plan_journey(parcel_from_booking(booking), ODDS, rng).events[:count]
    shift = datetime.now(UTC) - ENDED_AGO - events[-1].sim_at
    return [_Sent(booking, event, event.sim_at + shift) for event in events]


def _rounds(journeys: list[list[_Sent]]) -> Iterable[list[_Sent]]:
    for n in range(max(len(j) for j in journeys)):
        yield [journey[n] for journey in journeys if n < len(journey)]


def _by_carrier(sent: list[_Sent]) -> dict[str, list[_Sent]]:
    grouped: dict[str, list[_Sent]] = defaultdict(list)
    for item in sent:
        grouped[item.event.step.carrier].append(item)
    return grouped


def _request(carrier: str, sent: list[_Sent]) -> CarrierRequest:
    if carrier == "sf_express":
        routes = [sf.route(s.event, s.booking.sf_waybill, s.booking.order_id, s.at) for s in sent]
        return CarrierRequest(carrier, sf.encode_body(sf.route_push(routes)), len(sent))
    alerts = [ups.alert(s.event, s.booking.ups_tracking_number, s.at) for s in sent]
    return CarrierRequest(carrier, json.dumps(alerts, separators=(",", ":")), len(sent))


def _parse(request: CarrierRequest) -> list[CanonicalScan]:
    parse = sf_parse.parse if request.carrier == "sf_express" else ups_parse.parse
    return parse(json.loads(request.body)).scans
