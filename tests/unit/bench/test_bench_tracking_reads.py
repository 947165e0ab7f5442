from bench.tracking_reads import highest_passing_rate, kinds, rotated, targets
from bench.vegeta import Target
from tests.unit.bench.bench_samples import step


def test_each_number_becomes_one_get_of_its_tracking_url():
    assert targets("http://h:1", ["PBGWYSWAHCD9N97", "SF1234567890128"]) == [
        Target("http://h:1/v1/tracking/PBGWYSWAHCD9N97"), Target("http://h:1/v1/tracking/SF1234567890128")]


def test_conditional_targets_carry_their_own_etag_and_skip_numbers_without_one():
    found = targets("http://h", ["A", "B"], {"A": '"e1"', "B": ""})
    assert found == [Target("http://h/v1/tracking/A", (("If-None-Match", '"e1"'),))]


def test_numbers_are_counted_by_kind():
    assert kinds(["PBGWYSWAHCD9N97", "SF1234567890128", "1ZCIETST0111111114", "PB0000000000000"]) == {
        "shipment id": 2, "SF waybill": 1, "UPS 1Z": 1}


def test_the_304_path_runs_at_the_highest_rate_that_did_not_break():
    stepped = {"rates": [step(50), step(100, p99_ms=40), step(200, p99_ms=900)], "not_run": [300]}
    assert highest_passing_rate(stepped, 100) == 100


def test_the_304_path_runs_at_the_first_rate_when_every_rate_broke():
    stepped = {"rates": [step(50, errors=3)], "not_run": [100]}
    assert highest_passing_rate(stepped, 100) == 50


def test_a_later_step_starts_where_the_previous_stopped_and_wraps_round():
    assert rotated([1, 2, 3, 4], 1) == [2, 3, 4, 1]
    assert rotated([1, 2, 3, 4], 6) == [3, 4, 1, 2]
    assert rotated([], 3) == []
