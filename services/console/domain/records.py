"""A Kafka record as the console shows it — decoded CloudEvent, headers, key — and the filters over it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.errors import PermanentError
from shared.events.envelope import decode

MAX_VALUE_CHARS = 20_000


@dataclass(frozen=True)
class RecordView:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: str | None
    headers: tuple[tuple[str, str], ...]
    value: str  # the raw value as text (cut at MAX_VALUE_CHARS)
    event: dict[str, Any] | None = None  # the decoded CloudEvent (valid or merely JSON)
    event_type: str | None = None  # short type, e.g. order.placed
    decode_error: str | None = None

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


def _text(value: bytes | None) -> str:
    return (value or b"").decode("utf-8", errors="replace")


def view_of(topic: str, partition: int, offset: int, timestamp_ms: int, key: bytes | None, value: bytes | None,
            headers: list[tuple[str, bytes]] | None) -> RecordView:
    """Decode what can be decoded; a poison record is shown as it is, with why it does not decode."""
    text = _text(value)
    event: dict[str, Any] | None = None
    event_type = error = None
    try:
        decoded = decode(value)
        event, event_type = decoded.model_dump(mode="json", exclude_none=True), decoded.short_type
    except PermanentError as exc:
        error = str(exc)[:500]
        event = _json_object(text)
        if event and isinstance(event.get("type"), str):
            event_type = event["type"].removeprefix("com.parcelbridge.").rsplit(".", 1)[0]
    return RecordView(
        topic, partition, offset, timestamp_ms, None if key is None else _text(key),
        tuple((k, _text(v)) for k, v in headers or ()), text[:MAX_VALUE_CHARS], event, event_type, error,
    )


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


@dataclass(frozen=True)
class RecordFilter:
    """Every given condition must hold; `keys` already holds the shipment id a parcel number resolved to."""

    keys: frozenset[str] | None = None
    event_type: str | None = None
    header_name: str | None = None
    header_value: str | None = None
    text: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.keys or self.event_type or self.header_name or self.text)

    def matches(self, record: RecordView) -> bool:
        if self.keys is not None and record.key not in self.keys:
            return False
        if self.event_type and record.event_type != self.event_type and record.header("ce_type") != self.event_type:
            return False
        if self.header_name:
            value = record.header(self.header_name)
            if value is None or (self.header_value is not None and value != self.header_value):
                return False
        if self.text:
            needle = self.text.lower()
            if needle not in record.value.lower() and needle not in (record.key or "").lower():
                return False
        return True


def parse_header_filter(raw: str | None) -> tuple[str | None, str | None]:
    """`name=value` or `name` (present with any value)."""
    if not raw:
        return None, None
    name, sep, value = raw.partition("=")
    return name.strip() or None, value if sep else None
