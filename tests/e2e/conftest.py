"""The whole system as real processes, on its own broker, store and ports, wiped at every run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ops.infra.isolated import IsolatedStack, isolated_env

Stack = IsolatedStack


@pytest.fixture(scope="session")
def stack() -> Iterator[IsolatedStack]:
    running = IsolatedStack(isolated_env("e2e", int(os.environ.get("E2E_PORT_BASE", "21000")),
                                         extra={"WEB_CONCURRENCY": "1",
                                                # webhook receivers of tests listen on loopback
                                                "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true"}))
    with running.running():  # stopped on SIGTERM and Ctrl-C too
        yield running


@pytest.fixture(scope="session")
def seeds(stack: IsolatedStack):
    """Booked orders, webhooks, a second shipper and a console session on the running stack (tests.e2e.seeds)."""
    from tests.e2e.seeds import seed  # here, not at the top: seeds' helpers import this module

    return seed(stack)
