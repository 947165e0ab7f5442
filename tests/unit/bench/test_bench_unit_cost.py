import pytest

from bench.cpu import BENCH, SIMULATOR
from bench.unit_cost import Sample, delta, per_unit, rates


def _sample(at: float, commands: dict, cpu_s: dict) -> Sample:
    return Sample(at, commands, cpu_s)


BEFORE = _sample(100.0, {"find": 1_000, "update": 500, "ismaster": 40},
                 {"ferretdb": 10.0, "kafka": 20.0, BENCH: 5.0})
AFTER = _sample(110.0, {"find": 1_300, "update": 600, "ismaster": 40, "insert": 100},
                {"ferretdb": 12.0, "kafka": 21.0, "orders-api": 0.5, BENCH: 9.0})
BACKGROUND = {"commands_total_per_s": 5.0, "stack_core_share": 0.05}


def test_counters_grow_from_zero_when_they_first_appear_and_unchanged_ones_are_left_out():
    assert delta(BEFORE.commands, AFTER.commands) == {"find": 300, "update": 100, "insert": 100}


def test_commands_and_cpu_per_unit_are_gross_with_the_background_taken_out_of_the_net():
    found = per_unit(BEFORE, AFTER, 100, BACKGROUND)
    assert found["commands_per_unit"] == {"find": 3.0, "update": 1.0, "insert": 1.0}
    assert found["commands_total_per_unit"] == 5.0
    assert found["commands_net_per_unit"] == pytest.approx((500 - 5.0 * 10) / 100)
    assert found["cpu_ms_per_unit"]["ferretdb"] == 20.0
    assert found["stack_cpu_ms_per_unit"] == 35.0  # ferretdb 2 s + kafka 1 s + orders-api 0.5 s, not the bench's
    assert found["stack_cpu_net_ms_per_unit"] == pytest.approx((3.5 - 0.05 * 10) * 1000 / 100)


def test_a_workload_that_handled_no_unit_has_no_cost_per_unit():
    found = per_unit(BEFORE, AFTER, 0, BACKGROUND)
    assert found["commands_total_per_unit"] is None
    assert found["cpu_ms_per_unit"]["kafka"] is None


def test_rates_give_each_process_its_share_of_one_core_and_the_stack_total_without_the_load_generators():
    after = _sample(110.0, {"find": 1_050, "update": 500, "ismaster": 40},
                    {"ferretdb": 11.0, "kafka": 20.5, BENCH: 6.0, SIMULATOR: 1.0})
    found = rates(_sample(100.0, BEFORE.commands, {**BEFORE.cpu_s, SIMULATOR: 0.0}), after)
    assert found["commands_per_s"] == {"find": 5.0}
    assert found["core_share"] == {"ferretdb": 0.1, BENCH: 0.1, SIMULATOR: 0.1, "kafka": 0.05}
    assert found["stack_core_share"] == 0.15
