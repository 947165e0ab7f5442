"""Which processes `parcelbridge services up` starts for a service, and how many consumers."""

from __future__ import annotations

import pytest

from ops.stack import _copy_of, consumer_count, health_port, health_url, service_processes
from shared.errors import ConfigError


@pytest.fixture(autouse=True)
def _default_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The expected ports below are the defaults; a shell that exports its own must not change them."""
    for name in ("ORDERS_PORT", "SHIPPING_PORT", "TRACKING_PORT", "CONSOLE_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_one_consumer_per_service_unless_asked():
    names = [p.name for p in service_processes("tracking")]

    assert names == ["tracking-relay", "tracking-worker", "tracking-api"]


def test_several_consumers_of_one_group_get_their_own_names(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRACKING_CONSUMERS", "3")

    workers = [p for p in service_processes("tracking") if p.kind == "worker"]

    assert [p.name for p in workers] == ["tracking-worker", "tracking-worker-2", "tracking-worker-3"]
    assert len({p.command for p in workers}) == 1  # the same consumer, sharing the group's partitions


def test_the_console_read_model_keeps_one_consumer(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONSOLE_CONSUMERS", "2")

    assert [p.name for p in service_processes("console") if p.kind == "worker"] == ["console-worker"]


@pytest.mark.parametrize("raw", ["0", "7", "two", "-1", ""])
def test_a_consumer_count_out_of_range_is_refused_by_name(raw: str):
    with pytest.raises(ConfigError, match="TRACKING_CONSUMERS"):
        consumer_count("tracking", {"TRACKING_CONSUMERS": raw})


@pytest.mark.parametrize(("name", "copy"), [
    ("tracking-worker", True), ("tracking-worker-2", True), ("tracking-worker-x", False), ("tracking-workers", False),
])
def test_stopping_finds_every_copy_and_nothing_else(name: str, copy: bool):
    assert _copy_of(name, "tracking-worker") is copy


def test_each_worker_process_gets_its_own_health_port_beside_its_service(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRACKING_CONSUMERS", "2")
    ports = {p.name: health_port(p) for s in ("orders", "tracking") for p in service_processes(s) if p.kind != "api"}

    assert ports == {"orders-relay": 8101, "orders-deliver": 8201, "orders-worker": 8301,
                     "tracking-relay": 8103, "tracking-worker": 8303, "tracking-worker-2": 8403}


def test_status_points_a_web_app_at_its_readiness_and_a_worker_at_its_own_liveness():
    urls = {p.name: health_url(p) for p in service_processes("orders")}

    assert urls["orders-api"] == "http://127.0.0.1:8001/readyz"
    assert urls["orders-deliver"] == "http://127.0.0.1:8201/healthz"
