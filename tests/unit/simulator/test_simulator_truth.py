import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

from services.simulator.domain.clock import CompressedClock, carrier_times
from services.simulator.domain.truth import expected, next_milestone, scan_keys
from tests.unit.simulator.simulator_samples import NONE, journey


def _end(duty_payer: str = "shipper", **odds: float):
    return expected(journey(dataclasses.replace(NONE, **odds), duty_payer=duty_payer))


def test_a_plain_parcel_ends_delivered():
    end = _end()
    assert (end.end, end.status, end.milestone, end.reason, end.order_status) == (
        "delivered", "delivered", "delivered", None, "delivered")


def test_holds_duties_failed_attempts_and_unmapped_codes_still_end_delivered():
    end = _end("recipient", export_hold=1, import_hold=1, failed_attempt=1, unmapped=1)
    assert (end.end, end.status, end.milestone) == ("delivered", "delivered", "delivered")


def test_a_parcel_held_for_pickup_ends_ready_for_pickup_at_its_last_milestone():
    held = _end(pickup=1)
    assert (held.end, held.status, held.milestone, held.order_status) == (
        "held_for_pickup", "ready_for_pickup", "out_for_delivery", "in_transit")
    after_attempt = _end(pickup=1, failed_attempt=1)
    assert (after_attempt.status, after_attempt.milestone) == ("ready_for_pickup", "delivery_attempted")


def test_a_returned_parcel_ends_returning_to_sender_and_the_order_returned():
    for duty_payer in ("shipper", "recipient"):
        end = _end(duty_payer, returned=1)
        assert (end.end, end.status, end.milestone, end.order_status) == (
            "returned", "return_to_sender", "returning", "returned")


def test_milestones_move_forward_except_a_new_round_after_a_failed_attempt():
    assert next_milestone("import_customs_released", "arrived_destination_country") == "import_customs_released"
    assert next_milestone("delivery_attempted", "out_for_delivery") == "out_for_delivery"
    assert next_milestone("out_for_delivery", None) == "out_for_delivery"


def test_every_event_is_one_distinct_scan_and_a_resent_event_keeps_its_key():
    played = journey(dataclasses.replace(NONE, failed_attempt=1))
    stamps = carrier_times([e.sim_at for e in played.events],
                           CompressedClock(played.parcel.booked_at, datetime(2026, 1, 1, tzinfo=UTC), 3600))
    keys = scan_keys(played, stamps)
    assert len(set(keys)) == len(played.events)
    assert keys == scan_keys(played, stamps)
    assert keys[0].as_text().startswith("sf_express|SF1234567890128|50|2026-01-01T00:00")
    assert any(key.code == "I:OT" and key.number == "1ZCIETST0111111114" for key in keys)
    assert all(b.carrier_at - a.carrier_at >= timedelta(seconds=1) for a, b in itertools.pairwise(keys))
