from bench.config import BenchConfig
from bench.stack import bench_env, consumer_env
from bench.summary import consumer_counts


def test_each_service_gets_the_consumer_processes_configured_for_the_bench_stack():
    config = BenchConfig(orders_consumers=2, shipping_consumers=3, tracking_consumers=1)
    assert consumer_env(config.consumers) == {"ORDERS_CONSUMERS": "2", "SHIPPING_CONSUMERS": "3",
                                              "TRACKING_CONSUMERS": "1"}


def test_the_bench_environment_overrides_consumer_counts_set_outside_it(monkeypatch):
    monkeypatch.setenv("SHIPPING_CONSUMERS", "5")
    env = bench_env(47_000, {"shipping": 2})
    assert env["SHIPPING_CONSUMERS"] == "2"
    assert env["ORDERS_PORT"] == "48001"


def test_the_report_names_every_service_consumer_count_and_one_for_older_results():
    assert consumer_counts(BenchConfig().as_dict()) == "orders 2, shipping 2, tracking 3"
    assert consumer_counts({"tracking_consumers": 3}) == "orders 1, shipping 1, tracking 3"
