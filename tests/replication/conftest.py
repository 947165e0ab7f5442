"""A 3-node KRaft cluster and a store of their own (`REPLICATION_PORT_BASE`, default 23000), wiped at every run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ops.infra.isolated import IsolatedStack, isolated_env


@pytest.fixture(scope="module")
def cluster() -> Iterator[IsolatedStack]:
    env = isolated_env("replication", int(os.environ.get("REPLICATION_PORT_BASE", "23000")), extra={
        "PARCELBRIDGE_KAFKA_BROKERS": "3",
        # The orders relay is the crash sweeper: publishes the request path could not get acknowledged during an
        # election are taken 2 s after their write instead of 15.
        "ORDERS_OUTBOX_SWEEP_SECONDS": "0.5",
        "ORDERS_OUTBOX_GRACE_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
    })
    stack = IsolatedStack(env)
    stack.cli("infra", "reset", "--yes")
    try:
        stack.cli("infra", "up")
        stack.cli("topics", "create")
        yield stack
    finally:
        stack.cli("infra", "down", check=False)
