"""The real tracking service (its app, its consumer) on throwaway topics and a throwaway database.

The fixtures are the tracking tests' own; only the environment differs: the simulator's carrier credentials and
the view cache left at its default, as a deployment runs it.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.integration.simulator.simulator_credentials import CHECK_WORD, CREDENTIAL
from tests.integration.tracking.conftest import client, publish, runner, service, topics  # noqa: F401 (fixtures)


@pytest.fixture
def environ() -> dict[str, str]:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    return {
        **os.environ,
        "TRACKING_MONGODB_URI": f"mongodb://127.0.0.1:{port}/parcelbridge_test_simulator_{uuid.uuid4().hex[:12]}",
        "LOG_LEVEL": "WARNING", "SF_CHECK_WORD": CHECK_WORD, "UPS_TRACK_ALERT_CREDENTIAL": CREDENTIAL,
        "TRACKING_RATE_LIMIT_PER_SECOND": "0",
    }
