from bench.steps import order_rule_broke, order_stop_rule, orders_broke, read_broke, until_broken
from tests.unit.bench.bench_samples import step


def _runner(p99_by_rate: dict[float, float]):
    ran: list[float] = []

    def run(rate: float) -> dict:
        ran.append(rate)
        return step(rate, p99_by_rate[rate])

    return run, ran


def test_rates_stop_after_the_first_that_broke_and_the_rest_are_listed_as_not_run():
    run, ran = _runner({50: 10, 100: 30, 200: 900, 400: 5})
    found = until_broken([50, 100, 200, 400], run, lambda r: read_broke(r, 100))
    assert ran == [50, 100, 200]
    assert [r["rate_per_s"] for r in found["rates"]] == [50, 100, 200]
    assert found["not_run"] == [400]


def test_every_rate_runs_when_none_breaks():
    run, ran = _runner({50: 10, 100: 30})
    found = until_broken([50, 100], run, lambda r: read_broke(r, 100))
    assert ran == [50, 100]
    assert found["not_run"] == []


def test_a_read_rate_breaks_on_any_error_even_when_fast():
    assert read_broke(step(50, p99_ms=5, errors=1), 100)
    assert not read_broke(step(50, p99_ms=100), 100)
    assert read_broke(step(50, p99_ms=100.1), 100)


def test_a_read_rate_without_any_answer_broke():
    assert read_broke(step(50) | {"ms": None}, 100)


def _orders(p99_ms: float | None, errors: int = 0, not_booked: dict | None = None, post_p99_ms: float = 50) -> dict:
    booked = {"p50": 1.0, "p99": p99_ms, "max": p99_ms, "count": 10} if p99_ms is not None else None
    post = {"p50": 1.0, "p99": post_p99_ms, "max": post_p99_ms, "count": 10}
    return {"rate_per_s": 50, "errors": errors, "not_booked": not_booked or {}, "order_to_booked_ms": booked,
            "post_ms": post}


def test_an_order_rate_breaks_on_slow_bookings_refused_posts_or_orders_never_booked():
    assert not orders_broke(_orders(4_000), 5_000)
    assert orders_broke(_orders(6_000), 5_000)
    assert orders_broke(_orders(100, errors=1), 5_000)
    assert orders_broke(_orders(100, not_booked={"ord_1": "placed"}), 5_000)
    assert orders_broke(_orders(None), 5_000)


def test_an_order_rate_with_slow_answers_broke_even_when_bookings_were_quick():
    # Booking time comes from server clocks: a POST answered in 6 s must still break the rate.
    assert orders_broke(_orders(900, post_p99_ms=6_000), 5_000)
    assert not orders_broke(_orders(900, post_p99_ms=5_000), 5_000)


def test_one_rule_judges_both_systems_alike():
    ours = _orders(900, post_p99_ms=6_000)
    theirs = ours | {"not_read_back": [], "read_back_ms": ours["order_to_booked_ms"]}
    assert order_rule_broke(ours, "not_booked", "order_to_booked_ms", 5_000)
    assert order_rule_broke(theirs, "not_read_back", "read_back_ms", 5_000)
    words = order_stop_rule("never booked", "order → booked", 5_000)
    assert words == "errors, an order never booked, or p99 of the POST or of order → booked > 5,000 ms"
