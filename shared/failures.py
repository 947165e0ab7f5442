"""Classifies any exception as transient (retry the record) or permanent (dead-letter it)."""

from __future__ import annotations

from kafka import errors as kafka_errors
from pymongo import errors as mongo_errors

from shared.errors import PermanentError, TransientError

_TRANSIENT_MONGO = (
    mongo_errors.AutoReconnect,
    mongo_errors.ConnectionFailure,
    mongo_errors.ServerSelectionTimeoutError,
    mongo_errors.NetworkTimeout,
    mongo_errors.ExecutionTimeout,
    mongo_errors.WTimeoutError,
)


def is_transient(exc: BaseException) -> bool:
    """True when retrying the same record later may succeed."""
    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, _TRANSIENT_MONGO):
        return True
    if isinstance(exc, kafka_errors.KafkaError):
        return bool(getattr(exc, "retriable", False)) or isinstance(
            exc, kafka_errors.KafkaTimeoutError | kafka_errors.KafkaConnectionError
        )
    # A bug is not cured by waiting: dead-letter the record (with the error class) rather than stall.
    return isinstance(exc, ConnectionError | TimeoutError)
