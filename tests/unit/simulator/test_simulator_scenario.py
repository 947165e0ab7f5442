import dataclasses
import itertools
import random

import pytest

from services.simulator.domain.parcel import UnplayablePlan, parcel_from_booking
from services.simulator.domain.scenario import MIN_GAP, Odds, plan_journey
from shared.events.schemas.shipments import ShipmentBooked
from tests.unit.simulator.simulator_samples import BOOKED_AT, NONE, PLAN, journey, parcel, steps

PLAIN = ["pickup", "sorted", "departed_hub", "arrived_gateway", "export_declared", "export_cleared",
         "flight_departed", "export_scan", "arrived_us", "import_scan", "entry_filed", "released",
         "departed_gateway", "destination_scan", "preparing", "loaded", "out_for_delivery", "delivered"]


def _odds(**changes: float) -> Odds:
    return dataclasses.replace(NONE, **changes)


def test_the_same_seed_gives_the_same_journey_and_another_seed_may_not():
    odds = Odds(export_hold=0.5, import_hold=0.5, failed_attempt=0.5, pickup=0.3, returned=0.3, unmapped=0.5)
    assert journey(odds, seed=3) == journey(odds, seed=3)
    assert len({journey(odds, seed=s).events for s in range(20)}) > 1


def test_a_plain_journey_follows_the_leg_plan_in_order():
    plain = journey()
    assert steps(plain) == PLAIN
    times = [event.sim_at for event in plain.events]
    assert all(later - earlier >= MIN_GAP for earlier, later in itertools.pairwise(times))
    assert times[0] >= BOOKED_AT


def test_each_leg_s_events_fall_in_that_leg_s_planned_window_when_nothing_delays_them():
    plain = journey()
    windows = {leg: (start, end) for leg, _, _, _, start, end in PLAN}
    by_leg = {"pickup": "first_mile", "export_declared": "export_customs", "flight_departed": "air_linehaul",
              "entry_filed": "import_customs", "destination_scan": "last_mile"}
    for event in plain.events:
        if event.step.name in by_leg:
            start, end = windows[by_leg[event.step.name]]
            hours = (event.sim_at - BOOKED_AT).total_seconds() / 3600
            assert start <= hours <= end, event.step.name


def test_sf_carries_the_parcel_to_the_flight_and_ups_from_the_export_scan_on():
    carriers = [event.step.carrier for event in journey().events]
    flight = steps(journey()).index("flight_departed")
    assert set(carriers[: flight + 1]) == {"sf_express"} and set(carriers[flight + 1:]) == {"ups"}


def test_export_hold_at_one_holds_then_clears_every_parcel_and_at_zero_none():
    held = journey(_odds(export_hold=1))
    names = steps(held)
    assert names.index("export_declared") < names.index("export_hold") < names.index("export_cleared")
    assert held.plot.export_hold is not None
    hold = next(e for e in held.events if e.step.name == "export_hold")
    assert hold.step.intent.status == "on_hold" and hold.step.intent.reason == held.plot.export_hold
    assert hold.step.code.reason_code and hold.step.code.reason_name
    assert "export_hold" not in steps(journey(_odds(export_hold=0)))


def test_a_hold_delays_everything_after_it():
    plain, held = journey(seed=1), journey(_odds(export_hold=1), seed=1)
    assert held.events[-1].sim_at - plain.events[-1].sim_at > MIN_GAP


def test_import_hold_at_one_holds_with_a_reason_then_releases():
    held = journey(_odds(import_hold=1))
    names = steps(held)
    assert names.index("entry_filed") < names.index("import_hold") < names.index("released")
    hold = held.events[names.index("import_hold")]
    assert hold.step.intent.reason == held.plot.import_hold and hold.step.carrier == "ups"
    assert "import_hold" not in steps(journey(_odds(import_hold=0)))


def test_only_parcels_whose_recipient_pays_get_duties_due_then_paid():
    dap = journey(duty_payer="recipient")
    names = steps(dap)
    due = next(n for n in names if n.startswith("duties_due"))
    assert names.index(due) < names.index("duties_paid") < names.index("released")
    assert dap.plot.duties_due and not journey(duty_payer="shipper").plot.duties_due
    assert not any(n.startswith("duties") for n in steps(journey(duty_payer="shipper")))


def test_failed_attempt_at_one_fails_first_then_delivers_on_a_second_round():
    names = steps(journey(_odds(failed_attempt=1)))
    failed = names.index("attempt_failed")
    assert names.count("out_for_delivery") == 2 and names.index("out_for_delivery") < failed
    assert names[-1] == "delivered"
    assert "attempt_failed" not in steps(journey(_odds(failed_attempt=0)))


def test_pickup_at_one_ends_every_parcel_held_for_pickup():
    for seed in range(10):
        held = journey(_odds(pickup=1), seed=seed)
        assert steps(held)[-1] in ("held_for_pickup", "held_at_facility") and held.plot.end == "held_for_pickup"
        assert "delivered" not in steps(held)


def test_return_at_one_returns_a_ddp_parcel_refused_at_the_door():
    returned = journey(_odds(returned=1, pickup=1))
    assert steps(returned)[-2:] == ["refused", "returning"] and returned.plot.end == "returned"


def test_return_at_one_returns_a_dap_parcel_whose_recipient_refuses_the_duties():
    returned = journey(_odds(returned=1), duty_payer="recipient")
    names = steps(returned)
    assert names[-1] == "duties_refused" and "departed_gateway" not in names


def test_unmapped_at_one_adds_one_unmapped_event_inside_the_journey():
    for seed in range(10):
        names = steps(journey(_odds(unmapped=1), seed=seed))
        odd = [n for n in names if n.endswith("unmapped")]
        assert len(odd) == 1 and names[0] != odd[0] and names[-1] != odd[0]
    assert not any(n.endswith("unmapped") for n in steps(journey()))


def test_every_probability_must_be_a_probability():
    with pytest.raises(ValueError, match="export_hold"):
        Odds(export_hold=1.5)


def test_a_booking_without_the_five_legs_cannot_be_played():
    from tests.unit.simulator.simulator_samples import booked_data

    data = booked_data()
    data["legs"] = data["legs"][:2]
    with pytest.raises(UnplayablePlan):
        parcel_from_booking(ShipmentBooked.model_validate(data))


def test_places_come_from_the_plan_the_sender_city_and_the_destination():
    played = parcel()
    assert played.export_gateway.city == "Shenzhen" and played.import_gateway.city == "Los Angeles"
    assert played.pickup.sf_address == "深圳市" and played.destination.zone == "America/Los_Angeles"
    assert plan_journey(played, NONE, random.Random(1)).events[0].place == played.pickup
