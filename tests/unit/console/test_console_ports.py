"""The routes are typed against Protocols; the composition root must provide every member they ask for."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from services.console.api.ports import Console
from services.console.bootstrap import ConsoleService, bootstrap


@pytest.fixture
def service() -> Iterator[ConsoleService]:
    """The console as its processes build it (no connection is opened), with the test run's logging kept."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield bootstrap({"LOG_LEVEL": "WARNING"})
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_the_composition_root_provides_everything_the_routes_ask_for(service):
    assert isinstance(service, Console)
