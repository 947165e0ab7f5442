"""Classifies any exception as transient (retry the record) or permanent (dead-letter it), and names its dependency."""

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
# Not flagged retriable by kafka-python, yet what a group member meets when its broker restarts: the new
# coordinator no longer knows its generation or member id, or a rebalance is under way. Rejoining cures them.
_TRANSIENT_KAFKA = (
    kafka_errors.CommitFailedError,
    kafka_errors.RebalanceInProgressError,
    kafka_errors.IllegalGenerationError,
    kafka_errors.UnknownMemberIdError,
    kafka_errors.UnrecognizedBrokerVersion,  # a broker still starting answers the version probe oddly
)

KAFKA = "kafka"
STORE = "store"
OTHER = "other"


def is_transient(exc: BaseException) -> bool:
    """True when retrying the same record later may succeed."""
    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, _TRANSIENT_MONGO):
        return True
    if isinstance(exc, kafka_errors.KafkaError):
        return bool(getattr(exc, "retriable", False)) or isinstance(exc, _TRANSIENT_KAFKA)
    # A bug is not cured by waiting: dead-letter the record (with the error class) rather than stall.
    return isinstance(exc, ConnectionError | TimeoutError)


def dependency_of(exc: BaseException) -> str:
    """Which dependency a failure came from: `kafka`, `store` or `other` (following `raise ... from`)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kafka_errors.KafkaError):
            return KAFKA
        if isinstance(seen, mongo_errors.PyMongoError):
            return STORE
        seen = seen.__cause__
    return OTHER


def outage_of(exc: BaseException) -> str | None:
    """The dependency (`kafka` or `store`) whose outage `exc` reports; None for anything else (a bug, a conflict)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kafka_errors.KafkaError | mongo_errors.PyMongoError) and is_transient(seen):
            return dependency_of(seen)
        seen = seen.__cause__
    return None
