"""The consumer scale-out curve: speedup and efficiency, where it flattens and what it ran out of."""

import pytest

from bench import scale_out, scale_out_curve
from bench.config import BenchConfig
from bench.cpu import NOT_THE_STACK


def _point(consumers: int, rate: float, machine: float = 1.0, stack: float = 0.8) -> dict:
    return {"consumers": consumers, "partitions": 12, "scans": 2_000, "seconds": 2_000 / rate,
            "scans_per_s": rate, "machine_cores": machine, "stack_cores": stack,
            "busiest": "ferretdb (60% of the stack's CPU)"}


def test_speedup_and_efficiency_are_measured_against_the_fewest_consumers_whatever_the_order():
    found = scale_out_curve.curve([_point(4, 300), _point(1, 100), _point(2, 180)], cores=8)
    assert [(p["consumers"], p["speedup"], p["efficiency"]) for p in found["points"]] == [
        (1, 1.0, 1.0), (2, 1.8, 0.9), (4, 3.0, 0.75)]


def test_a_curve_that_keeps_nearly_doubling_does_not_flatten():
    assert scale_out_curve.flattens_at([_point(1, 100), _point(2, 190), _point(4, 360)]) is None


def test_the_curve_flattens_at_the_first_doubling_that_adds_too_little():
    assert scale_out_curve.flattens_at([_point(1, 100), _point(2, 170), _point(4, 180)]) == 4
    assert scale_out_curve.flattens_at([_point(1, 100), _point(2, 110), _point(4, 300)]) == 2


def test_a_flattened_curve_on_busy_cores_is_called_cpu_bound_and_says_how_much_was_the_stack():
    found = scale_out_curve.curve([_point(1, 100, 1.1), _point(2, 150, 1.9), _point(4, 155, 1.95, 1.2)], cores=2)
    assert found["flattens_at"] == 4
    assert "CPU-bound" in found["why"]
    assert "the machine's 2 cores were 1.95 busy, 1.20 of them with the stack" in found["why"]


def test_a_flattened_curve_with_idle_cores_is_blamed_on_waiting_not_cpu():
    found = scale_out_curve.curve([_point(1, 100, 0.5), _point(2, 105, 0.6), _point(4, 106, 0.6)], cores=8)
    assert found["flattens_at"] == 2
    assert "CPU-bound" not in found["why"] and "wait" in found["why"]


def test_the_busiest_process_leaves_out_what_is_not_the_stack():
    cpu = {"ferretdb": 6.0, "tracking-worker": 2.0, NOT_THE_STACK[0]: 50.0, "console-relay": None}
    assert scale_out_curve.busiest(cpu, NOT_THE_STACK) == "ferretdb (75% of the stack's CPU)"


def test_the_report_has_one_row_per_consumer_count_and_says_where_it_flattened():
    found = scale_out_curve.curve([_point(1, 100, 1.1), _point(2, 150, 1.9), _point(4, 155, 1.95)], cores=2)
    lines = scale_out_curve.markdown(found)
    rows = [line for line in lines if line.startswith("| ") and line[2].isdigit()]
    assert [row.split(" | ")[0] for row in rows] == ["| 1", "| 2", "| 4"]
    assert any(line.startswith("On 2 cores: flattens at 4 consumers") for line in lines)


def test_a_run_without_the_curve_adds_no_section():
    assert scale_out_curve.markdown(None) == []


def test_a_step_of_several_doublings_must_gain_for_each_of_them():
    # 1 -> 4 consumers is two doublings: 1.25 x 1.25 = 1.5625 at least.
    assert scale_out_curve.flattens_at([_point(1, 100), _point(4, 150)]) == 4
    assert scale_out_curve.flattens_at([_point(1, 100), _point(4, 160)]) is None


def test_busy_cores_count_everything_but_idle_and_iowait_across_the_machine():
    before = scale_out_curve.cpu_jiffies("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n")
    after = scale_out_curve.cpu_jiffies("cpu  400 0 200 800 200 0 0 0 0 0\n")
    assert before == (200, 1000) and after == (600, 1600)
    assert scale_out_curve.busy_cores(before, after, cores=2) == 1.33  # 400 busy of 600 ticks, over 2 cores


def test_no_time_between_readings_is_no_busy_core():
    assert scale_out_curve.busy_cores((5, 10), (5, 10), cores=2) == 0.0


def test_a_quick_run_warns_that_its_points_are_short():
    found = scale_out_curve.curve([_point(1, 100), _point(2, 190)], cores=2)
    assert not any("--quick" in line for line in scale_out_curve.markdown(found))
    assert any("--quick" in line for line in scale_out_curve.markdown(found | {"quick": True}))


def test_the_scale_out_stacks_use_the_bench_port_block_unless_told_otherwise():
    config = BenchConfig(port_base=31_800)
    assert scale_out.port_base(config, {}) == 31_800
    assert scale_out.port_base(config, {"BENCH_SCALE_OUT_PORT_BASE": "32000"}) == 32_000
    with pytest.raises(ValueError, match="BENCH_SCALE_OUT_PORT_BASE"):
        scale_out.port_base(config, {"BENCH_SCALE_OUT_PORT_BASE": "80"})
