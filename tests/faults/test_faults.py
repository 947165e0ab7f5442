"""Issue 11, item 4: kill -9 each process, the store and the broker under load; nothing lost, nothing doubled.

One run (the session fixture `fault_report`) inflicts every fault in turn on an isolated stack and settles;
each test below judges one promise by the run's figures, which are printed as a table and kept as JSON.
"""

from __future__ import annotations

import pytest

from tests.faults.faults import FAULTS


def section(report: dict, name: str) -> dict:
    """One group of figures; a run whose stack could not be measured fails here with the reason."""
    assert name in report, report.get("measure_error", f"no {name} figures")
    return report[name]

# The run keeps to its budget itself (Settings.budget); this only ends a run that hangs.
pytestmark = [pytest.mark.faults, pytest.mark.timeout(1200)]


def test_every_order_answered_201_is_booked_or_refused_with_a_reason_exactly_once(fault_report):
    orders = section(fault_report, "orders")
    assert orders["answered_201"] > 0
    assert (orders["undecided"], orders["decided_twice"], orders["refused_without_reason"]) == (0, 0, 0), orders
    assert orders["booked"] + orders["refused_with_reason"] == orders["answered_201"]


def test_every_booked_order_has_one_shipment_and_one_tracker_reachable_by_all_three_numbers(fault_report):
    parcels = section(fault_report, "parcels")
    assert parcels["booked_orders_checked"] > 0
    assert parcels["wrong"] == 0, parcels


def test_every_timeline_equals_the_simulators_ground_truth_without_duplicates(fault_report):
    timelines = section(fault_report, "timelines")
    assert timelines["parcels"] > 0 and timelines["not_finished_by_simulator"] == 0, timelines
    assert (timelines["timeline_problems"], timelines["status_mismatches"]) == (0, 0), timelines


def test_no_webhook_is_delivered_twice_with_different_ids(fault_report):
    webhooks = section(fault_report, "webhooks")
    assert webhooks["deliveries"] > 0
    assert (webhooks["changes_under_two_ids"], webhooks["id_header_differs_from_body"]) == (0, 0), webhooks


def test_the_dead_letters_are_the_poison_records_once_per_group_and_nothing_else(fault_report):
    dead = section(fault_report, "dead_letters")
    assert dead["poison_produced"] > 0
    assert dead["as_expected"] and dead["other_dlq_records"] == 0 and not dead["examples"], dead


@pytest.mark.parametrize("fault", [fault.name for fault in FAULTS])
def test_the_pipeline_moves_again_after_each_fault_without_restarting_anything_else(fault_report, fault):
    [outcome] = [o for o in fault_report["faults"] if o["name"] == fault]
    assert outcome["recovered"], outcome
    assert (outcome["died"], outcome["restarted"]) == ([], []), outcome
