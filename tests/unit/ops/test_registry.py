"""The registry: what each service declares is what its package provides, and the CLI finds every command."""

from __future__ import annotations

import importlib
from pathlib import Path

import click
import pytest

from ops.cli.main import COMMANDS
from ops.registry import SERVICES, manifest, settings_of, variables_of
from services.simulator import cli as simulator_cli
from shared.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]
MODE_OF_KIND = {"relay": "relay", "worker": "consume", "deliver": "deliver"}


@pytest.mark.parametrize("declared", SERVICES, ids=lambda m: m.name)
def test_each_declared_process_is_one_the_service_package_runs(declared):
    package = ROOT / declared.package.replace(".", "/")
    assert (package / "wsgi.py").exists()
    modes = importlib.import_module(f"{declared.package}.worker").MODES
    assert {MODE_OF_KIND[kind] for kind in declared.workers} == set(modes)


def test_names_and_ports_are_unique_and_the_ports_are_the_defaults_settings_use():
    assert len({m.name for m in SERVICES}) == len({m.default_port for m in SERVICES}) == len(SERVICES)
    assert all(settings_of(m.name, {}).http_port == m.default_port for m in SERVICES)


def test_an_unknown_service_is_refused_by_name():
    with pytest.raises(ConfigError, match="unknown service 'billing'"):
        manifest("billing")


def test_a_service_reads_the_common_variables_and_its_own():
    assert {"ORDERS_PORT", "ORDERS_MONGODB_URI", "KAFKA_BOOTSTRAP_SERVERS", "WEBHOOKS_CONCURRENCY"} <= variables_of(
        "orders")
    assert "WEBHOOKS_CONCURRENCY" not in variables_of("tracking")


def test_the_simulator_defaults_to_where_the_local_stack_serves_orders_and_tracking():
    assert simulator_cli.LOCAL_ORDERS_URL.endswith(f":{manifest('orders').default_port}")
    assert simulator_cli.LOCAL_TRACKING_URL.endswith(f":{manifest('tracking').default_port}")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_of_the_command_line_loads(name: str):
    assert isinstance(COMMANDS[name](), click.Command)
