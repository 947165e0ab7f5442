"""The one list of the services the operations layer runs, by their manifests (see shared/manifest.py).

Everything in ops/ asks this module; nothing names a service's package by a string.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
