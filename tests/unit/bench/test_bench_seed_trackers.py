import random

from bench.seed_trackers import MIN_SCANS, SEED_UPS_ACCOUNT, fresh_numbers, seeded_tracker, stored_documents
from services.tracking.adapters.repository import tracker_from_document
from shared.numbers import is_sf_waybill, is_shipment_id, is_ups_number
from tests.unit.bench.bench_samples import NOW, template


def test_fresh_numbers_are_valid_unique_and_never_one_already_taken():
    rng = random.Random(7)
    taken = {n for triple in fresh_numbers(50, set(), random.Random(7)) for n in triple[:1]}
    found = fresh_numbers(200, set(taken), rng)
    numbers = [n for triple in found for n in triple]
    assert len(set(numbers)) == len(numbers) == 600
    assert not taken & set(numbers)
    assert all(is_shipment_id(s) and is_sf_waybill(w) and is_ups_number(u) for s, w, u in found)
    assert all(u[2:8] == SEED_UPS_ACCOUNT for _s, _w, u in found)


def test_a_seeded_tracker_holds_its_booking_and_at_least_fifteen_carrier_scans_all_in_the_past():
    rng = random.Random(3)
    for numbers in fresh_numbers(20, set(), rng):
        tracker = seeded_tracker(template(), numbers, rng, NOW)
        carriers = [e.scan.carrier for e in tracker.timeline]
        assert tracker.numbers == numbers
        assert carriers[:2] == ["jv", "jv"]
        assert len(carriers) - 2 >= MIN_SCANS
        assert all(e.scan.occurred_at < NOW and not e.future_dated for e in tracker.timeline)
        assert {e.scan.carrier_number for e in tracker.timeline} <= set(numbers)


def test_seeded_trackers_are_a_mix_of_finished_and_moving_parcels():
    rng = random.Random(11)
    states = {seeded_tracker(template(), n, rng, NOW).state.terminal for n in fresh_numbers(40, set(), rng)}
    assert states == {True, False}


def test_the_stored_document_reads_back_through_the_repository_as_the_same_tracker():
    rng = random.Random(5)
    tracker = seeded_tracker(template(), fresh_numbers(1, set(), rng)[0], rng, NOW)
    document, aliases = stored_documents(tracker, new_id=iter(f"evt-{n}" for n in range(100)).__next__)
    back = tracker_from_document(document)
    assert [(e.scan.scan_id, e.seq) for e in back.timeline] == [(e.scan.scan_id, e.seq) for e in tracker.timeline]
    assert back.state == tracker.state
    assert document["outbox"] == [] and document["outbox_pending"] is False
    assert len(document["applied_events"]) == len(tracker.timeline) - 2
    assert aliases == [{"_id": n, "shipment_id": tracker.shipment_id} for n in tracker.numbers]
