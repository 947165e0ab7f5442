from bench.targets import judged
from tests.unit.bench.bench_samples import step

GET_500 = "tracking GET over 100,000 trackers: p99 ≤ 20 ms at 500 req/s"
ORDERS_100 = "order → booked at 100 orders/s: p99 ≤ 1 s, 0 errors"
SCANS = "scan pipeline, HTTP ingest → applied: ≥ 2,000 scans/s, every scan accounted for"
COMMANDS = "store commands per order, end to end: ≤ 12"
IDLE = "idle stack: ≤ 25% of one core"


def _scans(rate: float = 2_500.0, missing: int = 0, unacknowledged: int = 0) -> dict:
    return {"scans_per_s": rate, "unacknowledged_requests": unacknowledged,
            "applied_check": {"trackers_checked": 10, "complete": 10 - bool(missing), "scans_missing": missing}}


def _orders(rate: float, p99_ms: float, not_booked: dict | None = None) -> dict:
    return {"rate_per_s": rate, "errors": 0, "not_booked": not_booked or {},
            "order_to_booked_ms": {"p50": p99_ms / 2, "p99": p99_ms, "max": p99_ms, "count": 10}}


def _cost(net: float | None = 10.0, booked: int = 100, share: float = 0.2) -> dict:
    orders = {"units": 100 if net is not None else 0, "booked": booked, "errors": 0, "rate_per_s": 20,
              "commands_net_per_unit": net, "commands_total_per_unit": None if net is None else net + 1}
    idle = {"stack_core_share": share, "simulator_rate_per_s": 0.5, "seconds": 60, "simulator_ran_throughout": True}
    return {"orders": orders, "idle": idle}


def _result(read_rates: list[dict], read_not_run: list[float], order_rates: list[dict], order_not_run: list[float],
            stored: int = 100_000, scans: dict | None = None, cost: dict | None = None) -> dict:
    return {
        "scan_pipeline": {"http": scans or _scans()},
        "tracking_reads": {"rates": read_rates, "not_run": read_not_run, "stored": {"trackers": stored}},
        "order_intake": {"rates": order_rates, "not_run": order_not_run},
        "cost_model": cost or _cost(),
    }


def _met(result: dict) -> dict[str, str]:
    return {t["target"]: t["met"] for t in judged(result)}


def test_a_goal_at_a_rate_that_ran_is_met_or_not_by_its_p99():
    met = _met(_result([step(400, 12), step(500, 19)], [], [_orders(50, 800), _orders(100, 1_200)], []))
    assert met[GET_500] == "yes"
    assert met[ORDERS_100] == "no"


def test_a_goal_at_a_rate_skipped_after_an_earlier_rate_broke_is_not_run():
    result = _result([step(50), step(100, 900)], [200, 500], [_orders(50, 9_000)], [100])
    found = {t["target"]: t for t in judged(result)}
    assert found[GET_500]["met"] == "not run"
    assert "100 req/s broke" in found[GET_500]["measured"]
    assert found[ORDERS_100]["met"] == "not run"


def test_a_goal_at_a_rate_not_configured_is_not_run():
    assert _met(_result([step(50), step(100)], [], [_orders(5, 100)], []))[GET_500] == "not run"


def test_errors_fail_a_goal_however_fast_the_answers_were():
    met = _met(_result([step(500, 5, errors=2)], [], [_orders(100, 300, {"ord_1": "placed"})], []))
    assert met[GET_500] == "no"
    assert met[ORDERS_100] == "no"


def test_a_fast_get_over_fewer_trackers_than_the_goal_does_not_meet_it():
    found = {t["target"]: t for t in judged(_result([step(500, 5)], [], [_orders(5, 1)], [], stored=5_000))}
    assert found[GET_500]["met"] == "no"
    assert "over 5,000 trackers" in found[GET_500]["measured"]


def test_a_fast_scan_pipeline_that_lost_a_scan_does_not_meet_its_goal():
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], scans=_scans()))[SCANS] == "yes"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], scans=_scans(missing=1)))[SCANS] == "no"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], scans=_scans(unacknowledged=1)))[SCANS] == "no"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], scans=_scans(rate=1_999)))[SCANS] == "no"


def test_commands_per_order_are_judged_gross_and_only_when_every_order_was_booked():
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], cost=_cost(net=11.0)))[COMMANDS] == "yes"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], cost=_cost(net=11.5)))[COMMANDS] == "no"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], cost=_cost(net=5.0, booked=99)))[COMMANDS] == "no"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], cost=_cost(net=None)))[COMMANDS] == "not run"


def test_the_idle_stack_is_judged_against_a_quarter_of_one_core():
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], cost=_cost(share=0.25)))[IDLE] == "yes"
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], cost=_cost(share=0.26)))[IDLE] == "no"
