"""A web app whose store or broker is down answers 503 problem+json with Retry-After, never 500."""

from __future__ import annotations

import pytest
from flask import Blueprint
from kafka.errors import KafkaConnectionError, KafkaTimeoutError
from pymongo.errors import AutoReconnect, DuplicateKeyError, ExecutionTimeout, ServerSelectionTimeoutError

from shared.errors import ConcurrencyConflict, TransientError
from shared.http.app import create_app
from shared.probes import BoundedReadiness


def _app_raising(error: Exception):
    api = Blueprint("failing", __name__)

    @api.get("/v1/things")
    def things():
        raise error

    return create_app("test", [api], readiness=BoundedReadiness({}), max_body_bytes=2048).test_client()


def _wrapped_broker_timeout() -> TransientError:
    try:
        raise KafkaTimeoutError("no ack")
    except KafkaTimeoutError as exc:
        wrapped = TransientError("broker did not acknowledge a record")
        wrapped.__cause__ = exc
        return wrapped


@pytest.mark.parametrize(("error", "names"), [
    (ServerSelectionTimeoutError("no server"), "database"), (AutoReconnect("reset"), "database"),
    (ExecutionTimeout("slow"), "database"), (KafkaConnectionError("refused"), "broker"),
    (_wrapped_broker_timeout(), "broker"),
])
def test_an_outage_of_the_store_or_broker_answers_503_with_retry_after(error, names):
    response = _app_raising(error).get("/v1/things")

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert names in response.json["detail"] and response.json["status"] == 503


@pytest.mark.parametrize("error", [DuplicateKeyError("dup"), ConcurrencyConflict("another writer")])
def test_a_store_error_that_is_no_outage_is_still_a_500(error):
    response = _app_raising(error).get("/v1/things")

    assert response.status_code == 500
    assert "Retry-After" not in response.headers
