import pytest
from kafka import TopicPartition

from bench.cpu import BENCH, SIMULATOR, process_type, seconds_by_type, stat_ticks
from bench.settle import lag
from bench.store_counters import parse

METRICS = """\
# HELP ferretdb_client_requests_total Total number of requests.
# TYPE ferretdb_client_requests_total counter
ferretdb_client_requests_total{command="find",opcode="OP_MSG"} 120
ferretdb_client_requests_total{command="update",opcode="OP_MSG"} 7
ferretdb_client_requests_total{opcode="OP_QUERY",command="find"} 3
ferretdb_client_requests_total{command="ismaster",opcode="OP_MSG"} 2.5e+01
ferretdb_client_responses_total{argument="unknown",command="find",opcode="OP_MSG",result="ok"} 123
ferretdb_up{branch="unknown",commit="unknown",dirty="true",package="unknown",version="v1.24.2"} 1
"""
# /proc/<pid>/stat of a gunicorn master: the name holds a space and a parenthesis, utime..cstime are 40 9 300 30
STAT = ("4242 (gunicorn: m (x)) S 1 4242 4242 0 -1 4194560 9000 2000 0 0 40 9 300 30 20 0 1 0 "
        "123456 300000000 20000 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0")


def test_store_commands_are_counted_by_name_over_every_opcode_and_nothing_else():
    assert parse(METRICS) == {"find": 123.0, "update": 7.0, "ismaster": 25.0}


def test_a_store_without_request_counters_gives_no_commands():
    assert parse("# nothing here\nferretdb_up 1\n") == {}


def test_cpu_time_counts_a_process_and_the_children_it_reaped_whatever_its_name():
    assert stat_ticks(STAT) == 40 + 9 + 300 + 30


def test_copies_of_one_consumer_are_one_process_type():
    assert process_type("tracking-worker-3") == "tracking-worker"
    assert process_type("tracking-worker") == "tracking-worker"
    assert process_type("kafka") == "kafka"
    assert process_type(BENCH) == BENCH


def test_cpu_seconds_are_summed_per_process_type_in_clock_ticks():
    ticks = [("tracking-worker", 150), ("tracking-worker-2", 50), ("ferretdb", 100), (SIMULATOR, 10)]
    assert seconds_by_type(ticks, 100) == pytest.approx({"tracking-worker": 2.0, "ferretdb": 1.0, SIMULATOR: 0.1})


def test_lag_adds_every_group_behind_the_end_of_what_it_reads():
    a, b = TopicPartition("orders.v1", 0), TopicPartition("shipments.v1", 1)
    ends = {a: 10, b: 5}
    assert lag(ends, {"shipping": {a: 10}, "console": {a: 8, b: 5}}) == 2
    assert lag(ends, {"shipping": {a: 10}, "console": {a: 10, b: 5}}) == 0
