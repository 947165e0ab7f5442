from bench.summary import targets
from tests.unit.bench.bench_samples import step


def _result(read_rates: list[dict], read_not_run: list[float], order_rates: list[dict], order_not_run: list[float],
            ratio: float = 0.7) -> dict:
    scan = {"scans_per_s": 100.0}
    return {
        "scan_pipeline": {"http": scan, "topic": scan, "ratios": {"http": {"of_slowest": 0.4, "slowest": "store"}}},
        "tracking_reads": {"rates": read_rates, "not_run": read_not_run, "ratio_to_trivial": ratio},
        "order_intake": {"rates": order_rates, "not_run": order_not_run},
    }


def _orders(rate: float, p99_ms: float, not_booked: dict | None = None) -> dict:
    return {"rate_per_s": rate, "errors": 0, "not_booked": not_booked or {},
            "order_to_booked_ms": {"p50": p99_ms / 2, "p99": p99_ms, "max": p99_ms, "count": 10}}


def _met(result: dict) -> dict[str, str]:
    return {t["target"]: t["met"] for t in targets(result)}


GET_500 = "tracking GET p99 ≤ 20 ms at 500 req/s"
ORDERS_100 = "order → booked p99 ≤ 1 s at 100 orders/s"


def test_a_goal_at_a_rate_that_ran_is_met_or_not_by_its_p99():
    met = _met(_result([step(400, 12), step(500, 19)], [], [_orders(50, 800), _orders(100, 1_200)], []))
    assert met[GET_500] == "yes"
    assert met[ORDERS_100] == "no"


def test_a_goal_at_a_rate_skipped_after_an_earlier_rate_broke_is_not_run():
    result = _result([step(50), step(100, 900)], [200, 500], [_orders(50, 9_000)], [100])
    found = {t["target"]: t for t in targets(result)}
    assert found[GET_500]["met"] == "not run"
    assert "100 req/s broke" in found[GET_500]["measured"]
    assert found[ORDERS_100]["met"] == "not run"


def test_a_goal_at_a_rate_not_configured_is_not_run():
    assert _met(_result([step(50), step(100)], [], [_orders(5, 100)], []))[GET_500] == "not run"


def test_errors_fail_a_goal_however_fast_the_answers_were():
    met = _met(_result([step(500, 5, errors=2)], [], [_orders(100, 300, {"ord_1": "placed"})], []))
    assert met[GET_500] == "no"
    assert met[ORDERS_100] == "no"


def test_the_share_of_the_trivial_endpoint_is_judged_against_sixty_percent():
    assert _met(_result([step(50)], [], [_orders(5, 1)], [], ratio=0.59))[
        "tracking GET ≥ 60% of the trivial endpoint"] == "no"
