"""Simulated journeys, in the carriers' own formats, through the real tracking service: its final state
must be the simulator's ground truth."""

from __future__ import annotations

import random
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.simulator.carriers import malformed, sf, ups
from services.simulator.domain.clock import CompressedClock, carrier_times
from services.simulator.domain.dispatch import plan_dispatches
from services.simulator.domain.parcel import parcel_from_booking
from services.simulator.domain.scenario import Journey, Odds, plan_journey
from services.simulator.domain.truth import expected
from shared.events.envelope import new_event
from shared.events.schemas.shipments import ShipmentBooked
from shared.numbers import iso7064_mod37_36, luhn_check_digit, ups_check_digit
from tests.integration.simulator.simulator_credentials import CHECK_WORD, CREDENTIAL

pytestmark = pytest.mark.integration
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# One parcel per kind of ending, with every kind of trouble on the way, sent duplicated and out of order.
CASES = [
    ("shipper", Odds(export_hold=1, import_hold=1, failed_attempt=1, unmapped=1, pickup=0, returned=0)),
    ("recipient", Odds(import_hold=1, pickup=0, returned=0, unmapped=1)),
    ("shipper", Odds(failed_attempt=1, pickup=1, returned=0)),
    ("shipper", Odds(pickup=0, returned=1)),
    ("recipient", Odds(export_hold=1, pickup=0, returned=1)),
]


def _numbers() -> tuple[str, str, str]:
    core = "PB" + "".join(secrets.choice(CROCKFORD) for _ in range(12))
    digits = "".join(secrets.choice("0123456789") for _ in range(12))
    body = "SIM0403" + "".join(secrets.choice("0123456789") for _ in range(8))
    return core + iso7064_mod37_36(core), "SF" + digits + luhn_check_digit(digits), "1Z" + body + ups_check_digit(body)


def _booked(start: datetime, duty_payer: str) -> ShipmentBooked:
    shipment_id, waybill, ups_number = _numbers()
    hours = [0, 24, 36, 74, 86, 158]
    legs = [("first_mile", "sf_express", "Shenzhen", "Shenzhen (SZX)"),
            ("export_customs", "sf_express", "Shenzhen (SZX)", "Shenzhen (SZX)"), ("air_linehaul", "jv", "SZX", "LAX"),
            ("import_customs", "ups", "LAX", "LAX"), ("last_mile", "ups", "LAX", "San Francisco, CA 94105")]
    return ShipmentBooked.model_validate({
        "shipment_id": shipment_id, "order_id": "ord_" + secrets.token_hex(10), "shipper_id": "shp_sim",
        "sf_waybill": waybill, "ups_tracking_number": ups_number, "service_level": "standard",
        "legs": [{"leg": leg, "carrier": carrier, "origin": origin, "destination": destination,
                  "planned_start": (start + timedelta(hours=hours[i])).isoformat(),
                  "planned_end": (start + timedelta(hours=hours[i + 1])).isoformat()}
                 for i, (leg, carrier, origin, destination) in enumerate(legs)],
        "promised_delivery_date": (start + timedelta(days=9)).date().isoformat(),
        "customs": {"export_mode": "9610", "us_entry_type": "11", "declared_value_usd": "79.80",
                    "duties_estimate_usd": "21.50", "duty_payer": duty_payer,
                    "incoterm": "DAP" if duty_payer == "recipient" else "DDP"},
        "booked_at": start.isoformat(), "destination": {"city": "San Francisco", "state": "CA", "zip": "94105"},
    })


def _sendings(journey: Journey, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """Every sending (duplicates included) as (carrier, item), in the simulator's send order."""
    parcel = journey.parcel
    # Real time runs 1:1 here and the whole journey lies in the past, so no scan is future-dated.
    stamps = carrier_times([e.sim_at for e in journey.events], CompressedClock(parcel.booked_at, parcel.booked_at, 1))
    items = []
    for dispatch in plan_dispatches(stamps, 0.5, 0.5, rng):
        event, at = journey.events[dispatch.index], stamps[dispatch.index]
        if event.step.carrier == "sf_express":
            items.append(("sf", sf.route(event, parcel.sf_waybill, parcel.shipment_id, at)))
        else:
            items.append(("ups", ups.alert(event, parcel.ups_number, at)))
    return items


def _post(client, carrier: str, items: list[dict[str, Any]]) -> None:
    if carrier == "sf":
        body = sf.encode_body(sf.route_push(items))
        response = client.post("/v1/carriers/sf/route-push", data=body.encode(),
                               headers=sf.signed_headers(body, CHECK_WORD, datetime.now(UTC)))
        assert response.get_json() == {"return_code": "0000", "return_msg": "成功"}
    else:
        response = client.post("/v1/carriers/ups/track", json=items, headers=ups.credential_headers(CREDENTIAL))
        assert response.status_code == 200, response.get_json()


def _run_until(runner, done, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"not settled within {timeout}s; counts={runner.counts}"
        runner.poll_once(timeout_ms=300)


def test_simulated_journeys_end_in_the_tracking_service_as_the_ground_truth_says(service, client, publish, runner):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=25)
    rng = random.Random(20250601)
    bookings = [(_booked(start, payer), odds) for payer, odds in CASES]
    journeys = [plan_journey(parcel_from_booking(booked), odds, rng) for booked, odds in bookings]
    publish([new_event("shipment.booked", booked.shipment_id, booked.model_dump(mode="json"), source="/simulator")
             for booked, _ in bookings])
    _run_until(runner, lambda: all(service.trackers().get(j.parcel.shipment_id) for j in journeys))

    sendings = [item for journey in journeys for item in _sendings(journey, rng)]
    rng.shuffle(sendings)  # parcels interleave, and batches arrive shuffled
    for carrier in ("sf", "ups"):
        batch = [item for kind, item in sendings if kind == carrier]
        for cut in range(0, len(batch), 25):
            _post(client, carrier, batch[cut:cut + 25])

    def timeline_complete() -> bool:
        return all(len(service.trackers().get(j.parcel.shipment_id).timeline) == 2 + len(j.events) for j in journeys)

    _run_until(runner, timeline_complete)
    assert runner.counts.dead_lettered == 0
    for journey in journeys:
        truth = expected(journey)
        state = service.trackers().get(journey.parcel.shipment_id).state
        assert (state.status, state.milestone, state.reason) == (truth.status, truth.milestone, truth.reason), \
            journey.plot
        for number in (journey.parcel.shipment_id, journey.parcel.sf_waybill, journey.parcel.ups_number):
            view = client.get(f"/v1/tracking/{number}").get_json()
            assert (view["status"], view["milestone"]) == (truth.status, truth.milestone)
    assert {expected(j).end for j in journeys} == {"delivered", "held_for_pickup", "returned"}


def _send_malformed(client, push: malformed.MalformedPush):
    if push.carrier == "sf":
        headers = sf.signed_headers(push.body, malformed.secret_for(push, CHECK_WORD), datetime.now(UTC))
        return client.post("/v1/carriers/sf/route-push", data=push.body.encode(), headers=headers)
    headers = ups.credential_headers(malformed.secret_for(push, CREDENTIAL))
    return client.post("/v1/carriers/ups/track", data=push.body.encode(), headers=headers)


def test_every_kind_of_malformed_push_is_refused_with_a_4xx_and_records_nothing(service, client, publish, runner):
    booked = _booked(datetime.now(UTC).replace(microsecond=0) - timedelta(days=2), "shipper")
    publish([new_event("shipment.booked", booked.shipment_id, booked.model_dump(mode="json"), source="/simulator")])
    _run_until(runner, lambda: service.trackers().get(booked.shipment_id))
    journey = plan_journey(parcel_from_booking(booked), Odds(), random.Random(1))
    sf_event = next(e for e in journey.events if e.step.carrier == "sf_express")
    ups_event = next(e for e in journey.events if e.step.carrier == "ups")
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    route = sf.route(sf_event, booked.sf_waybill, booked.shipment_id, at)
    alert = ups.alert(ups_event, booked.ups_tracking_number, at)
    answers = {}
    for kind in malformed.BREAKAGES["sf"]:
        answers[f"sf {kind}"] = _send_malformed(client, malformed.sf_push(route, kind, f"mal-{kind}")).status_code
    for kind in malformed.BREAKAGES["ups"]:
        answers[f"ups {kind}"] = _send_malformed(client, malformed.ups_push(alert, kind, f"mal-{kind}")).status_code
    assert {name: status for name, status in answers.items() if not 400 <= status < 500} == {}
    # A good push after them: once it is on the timeline, anything the malformed ones had recorded would be too.
    _post(client, "sf", [route])
    _run_until(runner, lambda: len(service.trackers().get(booked.shipment_id).timeline) > 2)
    runner.poll_once(timeout_ms=500)
    codes = [entry.scan.raw_codes for entry in service.trackers().get(booked.shipment_id).timeline]
    assert len(codes) == 3 and codes[-1]["opCode"] == route["opCode"], codes
