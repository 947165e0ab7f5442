from bench.peers import peer_report
from bench.peers.comparison import compare, highest_sustained, peer_orders_broke, ratio
from tests.unit.bench.bench_samples import step

CONFIG = {"read_p99_limit_ms": 100, "booked_p99_limit_ms": 5_000, "read_rates": [50, 100, 200],
          "order_rates": [5, 10, 20]}


def _ms(p99: float) -> dict:
    return {"p50": p99 / 2, "p99": p99, "max": p99, "count": 100}


def _ours_order(rate: float, post_p99: float, booked_p99: float, errors: int = 0) -> dict:
    return {"rate_per_s": rate, "errors": errors, "not_booked": {}, "post_ms": _ms(post_p99),
            "order_to_booked_ms": _ms(booked_p99)}


def _karrio_order(rate: float, post_p99: float, read_back_p99: float, errors: int = 0) -> dict:
    return {"rate_per_s": rate, "errors": errors, "not_read_back": [], "post_ms": _ms(post_p99),
            "read_back_ms": _ms(read_back_p99), "orders_sent": 100}


def _read(rate: float, p99_ms: float) -> dict:
    return step(rate, p99_ms, achieved_rate_per_s=rate, status_codes={200: round(rate * 20)})


def _result(ours_reads, karrio_reads, ours_orders, karrio_orders, ours_loop=900.0, karrio_loop=300.0) -> dict:
    loop = _read(0, 50) | {"clients": 16}
    return {
        "configuration": CONFIG,
        "tracking_reads": {"rates": ours_reads, "closed_loop": {"requests_per_s": ours_loop}},
        "order_intake": {"rates": ours_orders},
        "peer": {"reads": {"rates": karrio_reads, "closed_loop": loop | {"requests_per_s": karrio_loop},
                           "not_run": [], "stored": 100_000, "numbers": 30_000, "warm_up": _read(50, 90)},
                 "orders": {"rates": karrio_orders, "not_run": [], "generator": "bench/load.py",
                            "stop_rule": "errors"}},
    }


def test_ratios_are_rounded_and_missing_without_a_denominator():
    assert ratio(900, 300) == 3.0
    assert ratio(1, 3) == 0.333
    assert ratio(5, 0) is None
    assert ratio(None, 3) is None


def test_the_highest_sustained_rate_ignores_rates_that_broke():
    rates = [step(50, 10), step(100, 30), step(200, 900)]
    assert highest_sustained(rates, lambda r: r["ms"]["p99"] <= 100) == 100
    assert highest_sustained(rates[2:], lambda r: r["ms"]["p99"] <= 100) == 0.0


def test_a_karrio_order_rate_breaks_on_errors_lost_orders_or_slow_read_back():
    assert not peer_orders_broke(_karrio_order(5, 80, 120), 5_000)
    assert peer_orders_broke(_karrio_order(5, 80, 120, errors=1), 5_000)
    assert peer_orders_broke(_karrio_order(5, 80, 5_001), 5_000)
    assert peer_orders_broke(_karrio_order(5, 80, 120) | {"not_read_back": ["ord_1"]}, 5_000)
    assert peer_orders_broke(_karrio_order(5, 80, 120) | {"read_back_ms": None}, 5_000)


def test_our_order_rate_with_slow_post_answers_is_not_counted_as_sustained():
    found = compare(_result([step(50, 10)], [step(50, 30)],
                            [_ours_order(5, 50, 900), _ours_order(10, 6_000, 1_200)],
                            [_karrio_order(5, 80, 120), _karrio_order(10, 90, 130)]))
    orders = found["throughput"][2]
    assert (orders["ours"], orders["karrio"], orders["ours_over_karrio"]) == (5, 10, 0.5)


def test_throughput_is_ours_over_karrio_with_the_raw_figures():
    found = compare(_result([step(50, 10), step(100, 20), step(200, 40)], [step(50, 30), step(100, 150)],
                            [_ours_order(5, 50, 900), _ours_order(10, 60, 1_200)],
                            [_karrio_order(5, 80, 120), _karrio_order(10, 90, 130)]))
    loop = found["throughput"][0]
    assert (loop["ours"], loop["karrio"], loop["ours_over_karrio"]) == (900.0, 300.0, 3.0)
    reads = found["throughput"][1]
    assert (reads["ours"], reads["karrio"], reads["ours_over_karrio"]) == (200, 50, 4.0)
    orders = found["throughput"][2]
    assert (orders["ours"], orders["karrio"], orders["ours_over_karrio"]) == (10, 10, 1.0)
    assert orders["note"] == ""  # 10/s is not the top order rate configured (20/s)
    assert len(found["throughput"]) == 3


def test_equal_figures_at_the_top_rate_are_flagged_as_set_by_the_steps():
    found = compare(_result([step(50, 10), step(100, 20), step(200, 40)],
                            [step(50, 30), step(100, 40), step(200, 50)],
                            [_ours_order(5, 50, 900)], [_karrio_order(5, 80, 120)]))
    assert "steps, not the systems" in found["throughput"][1]["note"]


def test_p99_ratios_only_at_rates_both_sustained():
    found = compare(_result([step(50, 10), step(100, 20), step(200, 400)], [step(50, 30), step(100, 150)],
                            [_ours_order(5, 50, 900), _ours_order(10, 60, 6_000)],
                            [_karrio_order(5, 80, 120), _karrio_order(10, 90, 130)]))
    latency = [(r["workload"], r["rate_per_s"], r["karrio_over_ours"]) for r in found["latency"]]
    # GET 100/s: Karrio broke (p99 150 > 100); 200/s: ours broke. Orders 10/s: ours broke (booked p99 6 s).
    assert latency == [("tracker GET", 50, 3.0), ("order POST", 5, 1.6)]


def test_order_completion_puts_booked_beside_read_back_at_every_rate_either_ran():
    found = compare(_result([step(50, 10)], [step(50, 30)], [_ours_order(5, 50, 900), _ours_order(10, 60, 1_000)],
                            [_karrio_order(5, 80, 120)]))
    completion = found["order_completion"]
    assert [r["rate_per_s"] for r in completion] == [5, 10]
    assert completion[0]["ours_order_to_booked_ms"]["p99"] == 900
    assert completion[0]["karrio_create_to_read_back_ms"]["p99"] == 120
    assert "karrio_create_to_read_back_ms" not in completion[1]


def test_a_failed_peer_gives_no_ratios_and_its_failure_and_log_are_in_the_report():
    result = _result([step(50, 10)], [], [_ours_order(5, 50, 900)], [])
    result["peer"] = {"version": "2026.1.32", "profile": "sqlite", "failed": True, "step": "start",
                      "error": "gunicorn exited 3 before answering", "log": "/x/gunicorn.log",
                      "log_excerpt": "ModuleNotFoundError: No module named 'karrio.server.pricing'"}
    assert compare(result) == {"throughput": [], "latency": [], "order_completion": []}
    text = "\n".join(peer_report.markdown(result | {"comparison": compare(result)}))
    assert "**The peer failed** at step `start`: gunicorn exited 3" in text
    assert "No module named 'karrio.server.pricing'" in text
    assert peer_report.summary_rows(result)[0][2].startswith("FAILED at start")


def test_the_report_has_both_ratio_tables_the_completion_note_and_every_overhead():
    result = _result([_read(50, 10)], [_read(50, 30)], [_ours_order(5, 50, 900)], [_karrio_order(5, 80, 120)])
    result["peer"] |= {"version": "2026.1.32", "profile": "postgres", "settings": {"huey consumer": "1"},
                       "timings_s": {"install": 170.0, "migrate": 135.0}, "install": {"cold": True},
                       "seeding": {"trackers": 100_000, "seconds": 250.0, "trackers_per_s": 400.0}}
    result["comparison"] = compare(result)
    text = "\n".join(peer_report.markdown(result))
    assert "| tracker GET, closed-loop maximum (req/s) | 900.0 | 300.0 | 3.00 |" in text
    assert "| tracker GET | 50/s | 10.0 | 30.0 | 3.00 |" in text
    assert "| 5/s | 450.0 / 900.0 | 60.0 / 120.0 |" in text
    assert peer_report.COMPLETION_NOTE in text
    assert all(overhead in text for overhead in peer_report.OVERHEADS)
    assert "profile **postgres**" in text
    assert "Set-up times (s): install 170.0, migrate 135.0 (installed now)." in text
    assert "Seeded 100,000 trackers through Karrio's ORM in 250.0 s (400/s" in text
    assert "| warm-up at 50 req/s (not counted) |" in text


def test_without_the_peer_the_report_says_it_was_skipped():
    assert "Not run (`--no-peer`)." in peer_report.markdown({"peer": None})
    assert peer_report.summary_rows({"peer": None}) == [("peer", "Karrio", "not run (--no-peer)")]


def test_a_side_that_sustained_no_rate_is_named_and_gets_no_ratio():
    found = compare(_result([step(50, 10)], [step(50, 900)], [_ours_order(5, 50, 900)],
                            [_karrio_order(5, 80, 9_000)]))
    reads, orders = found["throughput"][1], found["throughput"][2]
    assert (reads["karrio"], reads["ours_over_karrio"]) == (0.0, None)
    assert reads["note"] == "Karrio sustained not even the lowest rate run"
    assert orders["note"] == "Karrio sustained not even the lowest rate run"


def test_refused_orders_show_what_came_back_instead():
    result = _result([_read(50, 10)], [_read(50, 30)], [_ours_order(5, 50, 900)],
                     [_karrio_order(5, 80, 120, errors=19) | {"status_codes": {201: 6, 500: 19}}])
    result["comparison"] = compare(result)
    assert "| 5/s | 100 | 19 (500: 19) |" in "\n".join(peer_report.markdown(result))
