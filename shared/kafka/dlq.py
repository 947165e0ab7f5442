"""Dead letters: the failed record unchanged, plus headers saying where it came from and why it failed."""

from __future__ import annotations

from datetime import UTC, datetime

from kafka.consumer.fetcher import ConsumerRecord

from shared.kafka.producer import OutgoingRecord
from shared.kafka.topics import DLQ_SUFFIX

ERROR_HEADERS = (
    "x-original-topic", "x-original-partition", "x-original-offset", "x-consumer-group",
    "x-error-class", "x-error-message", "x-failed-at",
)
MAX_MESSAGE_BYTES = 2000


def dead_letter(record: ConsumerRecord, group: str, error: BaseException) -> OutgoingRecord:
    """The record to write to `<topic>.dlq` for a permanent failure of `record`."""
    message = str(error).encode()[:MAX_MESSAGE_BYTES]
    reason = [
        ("x-original-topic", record.topic.encode()),
        ("x-original-partition", str(record.partition).encode()),
        ("x-original-offset", str(record.offset).encode()),
        ("x-consumer-group", group.encode()),
        ("x-error-class", type(error).__name__.encode()),
        ("x-error-message", message),
        ("x-failed-at", datetime.now(UTC).isoformat().encode()),
    ]
    kept = [(k, v) for k, v in (record.headers or []) if k not in ERROR_HEADERS]
    return OutgoingRecord(topic=record.topic + DLQ_SUFFIX, key=record.key, value=record.value or b"",
                          headers=kept + reason)


def error_headers(headers: list[tuple[str, bytes]]) -> dict[str, str]:
    """The reason headers of a dead letter, decoded."""
    return {k: v.decode(errors="replace") for k, v in headers if k in ERROR_HEADERS}
