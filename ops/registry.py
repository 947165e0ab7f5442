"""The one list of what the operations layer runs: the services (by their manifests) and the CLI's commands.

Everything else in ops/ asks this module; nothing names a service's package by a string.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import click

from services.console.manifest import MANIFEST as CONSOLE
from services.orders.manifest import MANIFEST as ORDERS
from services.shipping.manifest import MANIFEST as SHIPPING
from services.tracking.manifest import MANIFEST as TRACKING
from shared.config import KafkaSettings, Settings, environment_variables, load_kafka_settings, load_settings
from shared.errors import ConfigError
from shared.manifest import ServiceManifest

# In start order: the console last, so every topic it reads has a producer running.
SERVICES: tuple[ServiceManifest, ...] = (ORDERS, SHIPPING, TRACKING, CONSOLE)
SERVICE_NAMES = tuple(m.name for m in SERVICES)


def manifest(name: str) -> ServiceManifest:
    for found in SERVICES:
        if found.name == name:
            return found
    raise ConfigError(f"unknown service {name!r}; expected one of {', '.join(SERVICE_NAMES)}")


def settings_of(name: str, environ: Mapping[str, str] | None = None) -> Settings:
    """A service's settings as its own processes would load them."""
    return load_settings(manifest(name), environ)


def variables_of(name: str) -> set[str]:
    """Every variable the service's processes read."""
    return environment_variables(manifest(name))


def kafka_settings(environ: Mapping[str, str] | None = None) -> KafkaSettings:
    """The broker, for the operations layer's own clients (topic administration)."""
    return load_kafka_settings("parcelbridge-ops", os.environ if environ is None else environ)


# The command line's groups, each imported only when used (keeps `--help` quick).
def _infra() -> click.Command:
    from ops.cli.infra import infra
    return infra


def _topics() -> click.Command:
    from ops.cli.topics import topics
    return topics


def _services() -> click.Command:
    from ops.cli.services import services
    return services


def _run() -> click.Command:
    from ops.cli.run import run
    return run


def _stop() -> click.Command:
    from ops.cli.run import stop
    return stop


def _shippers() -> click.Command:
    from services.orders.cli import shippers
    return shippers


def _orders() -> click.Command:
    from services.orders.cli import orders
    return orders


def _operators() -> click.Command:
    from services.console.cli import operators
    return operators


def _simulate() -> click.Command:
    from services.simulator.cli import simulate
    return simulate


def _bench() -> click.Command:
    from bench.cli import bench
    return bench


COMMANDS: dict[str, Callable[[], click.Command]] = {
    "infra": _infra, "topics": _topics, "services": _services, "run": _run, "stop": _stop,
    "shippers": _shippers, "orders": _orders, "operators": _operators, "simulate": _simulate, "bench": _bench,
}
