import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError
from pymongo.errors import AutoReconnect, DuplicateKeyError, ServerSelectionTimeoutError

from shared.errors import BusinessRuleViolation, ConcurrencyConflict, SchemaViolation, TransientError
from shared.failures import is_transient
from shared.kafka.consumer import Backoff


@pytest.mark.parametrize("error", [
    AutoReconnect("down"), ServerSelectionTimeoutError("no server"), KafkaConnectionError(), KafkaTimeoutError(),
    TransientError("x"), ConcurrencyConflict("x"), ConnectionRefusedError(),
])
def test_unavailable_store_or_broker_is_transient(error):
    assert is_transient(error)


@pytest.mark.parametrize("error", [
    SchemaViolation("x"), BusinessRuleViolation("x"), KeyError("bug"), DuplicateKeyError("dup"),
])
def test_bad_records_and_bugs_are_permanent(error):
    assert not is_transient(error)


def test_backoff_grows_and_is_capped():
    backoff = Backoff(first=0.5, factor=2, cap=3)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3, 3]
