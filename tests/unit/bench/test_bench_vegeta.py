from pathlib import Path

from bench.vegeta import Attack, Target, attack_command, parse_report, targets_text
from tests.unit.bench.bench_samples import vegeta_report


def test_a_report_gives_quantiles_in_milliseconds():
    parsed = parse_report(vegeta_report({"200": 1000}, p99_ns=43_210_000), ok=(200,))
    assert parsed["ms"] == {"p50": 10.0, "p90": 20.0, "p99": 43.2, "max": 100.0, "count": 1000}
    assert parsed["requests"] == 1000
    assert parsed["errors"] == 0


def test_every_status_not_expected_counts_as_an_error():
    parsed = parse_report(vegeta_report({"200": 990, "503": 7, "0": 3}, ["connection refused"]), ok=(200,))
    assert parsed["errors"] == 10
    assert parsed["status_codes"] == {200: 990, 503: 7, 0: 3}
    assert parsed["error_messages"] == ["connection refused"]


def test_on_the_304_path_a_full_answer_is_an_error():
    parsed = parse_report(vegeta_report({"304": 95, "200": 5}), ok=(304,))
    assert parsed["errors"] == 5


def test_answers_per_second_count_only_expected_answers_over_the_attack_and_its_wait():
    parsed = parse_report(vegeta_report({"200": 900, "500": 100}, duration_ns=9_000_000_000,
                                        wait_ns=1_000_000_000), ok=(200,))
    assert parsed["ok_per_s"] == 90.0


def test_a_report_without_requests_has_no_quantiles():
    parsed = parse_report(vegeta_report({}), ok=(200,))
    assert parsed["ms"] is None
    assert parsed["errors"] == 0


def test_targets_are_written_in_vegetas_http_format_with_their_headers():
    text = targets_text([Target("http://h/v1/tracking/A"),
                         Target("http://h/v1/tracking/B", (("If-None-Match", '"abc"'),))])
    assert text == 'GET http://h/v1/tracking/A\n\nGET http://h/v1/tracking/B\nIf-None-Match: "abc"\n'


def test_a_fixed_rate_attack_sends_at_that_rate_and_keeps_no_bodies():
    command = attack_command(Path("/bin/vegeta"), Attack(250, 20), Path("t.http"), Path("r.bin"))
    assert command[:2] == ["/bin/vegeta", "attack"]
    assert {"-rate=250/s", "-duration=20s", "-max-body=0", "-targets=t.http", "-output=r.bin"} <= set(command)
    assert not any(part.startswith("-max-workers") for part in command)


def test_a_closed_loop_is_rate_zero_with_a_fixed_number_of_clients():
    command = attack_command(Path("vegeta"), Attack(0, 10, max_workers=16), Path("t"), Path("r"))
    assert {"-rate=0", "-workers=16", "-max-workers=16"} <= set(command)
