from bench.cost_tables import commands_table, cpu_table, idle_line, summary_rows
from bench.cpu import BENCH, SIMULATOR


def _workload(units: int, commands: dict, net: float, cpu: dict, stack_ms: float, stack_net_ms: float) -> dict:
    return {"units": units, "seconds": 12.5, "commands_per_unit": commands,
            "commands_total_per_unit": sum(commands.values()), "commands_net_per_unit": net,
            "cpu_ms_per_unit": cpu, "stack_cpu_ms_per_unit": stack_ms, "stack_cpu_net_ms_per_unit": stack_net_ms}


def _rates(seconds: float, commands: dict, shares: dict, stack: float) -> dict:
    return {"seconds": seconds, "commands_per_s": commands, "commands_total_per_s": sum(commands.values()),
            "core_share": shares, "stack_core_share": stack}


COST = {
    "background": _rates(10, {"find": 20.0, "ismaster": 1.0}, {"orders-relay": 0.02, "ferretdb": 0.03}, 0.05),
    "orders": _workload(400, {"update": 9.5, "find": 12.25, "insert": 2.0}, 22.0,
                        {"orders-api": 4.0, "ferretdb": 6.0, "kafka": 2.0, BENCH: 1.5}, 12.0, 10.0),
    "scans_http": _workload(2_000, {"find": 1.1, "update": 1.0}, 2.0, {"tracking-worker": 3.0}, 3.0, 2.9),
    "scans_topic": _workload(2_000, {"find": 1.0, "update": 1.0}, 1.9, {"tracking-worker": 2.5}, 2.5, 2.4),
    "tracking_get": _workload(10_000, {"find": 1.7}, 1.6, {"tracking-api": 1.2}, 1.2, 1.1),
    "idle": {**_rates(60, {"find": 30.0}, {"ferretdb": 0.2, "kafka": 0.1, "orders-relay": 0.05, SIMULATOR: 0.04},
                      0.35), "simulator_rate_per_s": 0.5, "warm_up_s": 15},
}


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_the_commands_table_has_a_row_per_command_the_largest_first_then_the_totals():
    lines = commands_table(COST)
    assert _cells(lines[0])[:2] == ["command", "per order"]
    assert [_cells(line)[0] for line in lines[2:6]] == ["find", "update", "insert", "ismaster"]
    assert _cells(lines[2]) == ["find", "12.25", "1.10", "1.00", "1.70", "20.0", "30.0"]
    assert _cells(lines[5])[1:5] == ["n/a"] * 4
    assert _cells(lines[6])[:2] == ["**total**", "23.75"]
    assert _cells(lines[7])[:2] == ["**net of the quiet background**", "22.00"]
    assert _cells(lines[8])[:2] == ["units counted", "400 in 12.5 s"]


def test_the_cpu_table_leads_with_kafka_and_the_store_and_keeps_the_load_generators_out_of_the_totals():
    lines = cpu_table(COST)
    names = [_cells(line)[0] for line in lines[2:]]
    assert names[:2] == ["kafka", "ferretdb"]
    assert names.index("**stack total**") < names.index(f"{BENCH} (not in the totals)")
    assert f"{SIMULATOR} (not in the totals)" in names
    ferretdb = _cells(lines[2 + names.index("ferretdb")])
    assert ferretdb == ["ferretdb", "6.00", "n/a", "n/a", "n/a", "3.0%", "20.0%"]
    assert _cells(lines[2 + names.index("**stack total**")])[-2:] == ["5.0%", "35.0%"]


def test_the_idle_line_names_the_stack_share_and_its_largest_parts_and_keeps_the_simulator_apart():
    line = idle_line(COST["idle"])
    assert "35.0% of one core (ferretdb 20.0%, kafka 10.0%, orders-relay 5.0%" in line
    assert "30.0 commands/s; the simulator itself used 4.0%, not counted in the stack" in line


def test_the_summary_gives_net_and_gross_per_unit_for_every_workload_and_both_rest_states():
    rows = summary_rows(COST)
    assert rows[0] == ("cost", "per order, net of background (gross)",
                       "22.0 store commands (23.8) · 10.0 CPU-ms (12.0)")
    assert len(rows) == 6
    assert rows[-1][2] == "35.0% of one core · 30.0 store commands/s"


def test_a_window_that_ended_before_the_stack_caught_up_is_marked():
    cost = {**COST, "orders": {**COST["orders"], "settled_after": {"settled": False, "seconds": 600}}}
    assert _cells(commands_table(cost)[8])[1] == "400 in 12.5 s (stack not settled)"
