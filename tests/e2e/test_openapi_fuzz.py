"""schemathesis over every operation of every service's OpenAPI document, on the real stack with seeded data.

Checks: no 5xx, every 4xx is problem+json, status codes, content types and bodies as documented, and
schema-invalid requests refused.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.e2e.fuzzing import (
    Answered,
    carrier_headers,
    checked_call,
    console_headers,
    fuzz,
    load,
    never_succeeded,
    shipper_headers,
)
from tests.e2e.seeds import console_fuzzing

pytestmark = pytest.mark.e2e


@pytest.fixture
def answered() -> Answered:
    return defaultdict(set)


def test_orders_api_honours_its_document(stack, seeds, answered):
    call = checked_call(shipper_headers(seeds.key, seeds.webhook_key), answered)
    assert fuzz(load(stack, "orders"), call, seeds.fuzzing()) == []
    assert never_succeeded(answered) == []


def test_shipping_api_honours_its_document(stack, seeds, answered):
    call = checked_call(shipper_headers(seeds.key, seeds.webhook_key), answered)
    assert fuzz(load(stack, "shipping"), call, seeds.fuzzing()) == []
    # Seeded shipments make the reads real: both the shipment and its label answered 200 at least once.
    assert never_succeeded(answered) == []


def test_tracking_api_honours_its_document(stack, seeds, answered):
    call = checked_call(carrier_headers(stack), answered)
    assert fuzz(load(stack, "tracking"), call, seeds.fuzzing()) == []
    assert never_succeeded(answered) == []


def test_console_api_honours_its_document(stack, seeds, answered):
    call = checked_call(console_headers(stack, seeds.console_session, seeds.console_csrf), answered)
    skip = {"GET /api/topics/{name}/tail": "a live stream held open for minutes: a request would wait it out"}
    assert fuzz(load(stack, "console"), call, console_fuzzing(seeds), skip) == []
    # A made-up plan is all the fuzzer can replay; every other operation answered 2xx at least once.
    assert never_succeeded(answered) == ["POST /api/dlq/replay"]
