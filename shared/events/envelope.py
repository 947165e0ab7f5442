"""CloudEvents 1.0 in structured JSON mode: the whole event is the Kafka record value."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import InvalidEnvelope, SchemaViolation, UnknownEventType
from shared.events.catalog import data_model, full_type

CONTENT_TYPE = "application/cloudevents+json"
TYPE_PREFIX = "com.parcelbridge."


class CloudEvent(BaseModel):
    """The envelope; `data` is checked separately against the schema its `type` names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=128)
    source: str = Field(min_length=1, max_length=256)
    type: str = Field(pattern=r"^com\.parcelbridge\.[a-z_]+\.[a-z_]+\.v\d+$")
    subject: str = Field(min_length=1, max_length=128)
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    # Extension attribute (CloudEvents names are lowercase alphanumerics): the HTTP request that caused it.
    requestid: str | None = Field(default=None, max_length=128)
    data: dict[str, Any]

    @property
    def short_type(self) -> str:
        """`order.placed` for `com.parcelbridge.order.placed.v1`."""
        return self.type.removeprefix(TYPE_PREFIX).rsplit(".", 1)[0]


def new_event(
    short_type: str,
    subject: str,
    data: dict[str, Any],
    source: str,
    request_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    """Build and validate an event of a catalogued type; raises SchemaViolation on bad data."""
    model = data_model(short_type)
    try:
        checked = model.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise SchemaViolation(f"{short_type}: {_first_errors(exc)}") from exc
    return CloudEvent(
        specversion="1.0",
        id=str(uuid.uuid4()),
        source=source,
        type=full_type(short_type),
        subject=subject,
        time=time or datetime.now(UTC),
        requestid=request_id,
        data=checked,
    )


def new_events(source: str, subject: str, events: Iterable[tuple[str, dict[str, Any]]],
               request_id: str | None) -> list[CloudEvent]:
    """What one change of an aggregate caused, (short type, data) pairs, as CloudEvents keyed by its id."""
    return [new_event(kind, subject, data, source=source, request_id=request_id) for kind, data in events]


def encode(event: CloudEvent) -> bytes:
    """The event as compact JSON bytes (the Kafka record value)."""
    return event.model_dump_json(exclude_none=True).encode()


def to_document(event: CloudEvent) -> dict[str, Any]:
    """The event as a JSON-compatible dict (for an embedded outbox)."""
    return event.model_dump(mode="json", exclude_none=True)


def from_document(document: dict[str, Any]) -> CloudEvent:
    """Inverse of to_document; validates the envelope and the data."""
    try:
        event = CloudEvent.model_validate(document)
    except ValidationError as exc:
        raise InvalidEnvelope(_first_errors(exc)) from exc
    _check_data(event)
    return event


def decode(value: bytes | None) -> CloudEvent:
    """Parse and validate a record value; raises InvalidEnvelope, UnknownEventType or SchemaViolation."""
    if not value:
        raise InvalidEnvelope("empty record value")
    try:
        document = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEnvelope(f"value is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidEnvelope("value is not a JSON object")
    return from_document(document)


def _check_data(event: CloudEvent) -> None:
    model = data_model(event.short_type)  # raises UnknownEventType
    version = event.type.rsplit(".", 1)[1]
    if full_type(event.short_type) != event.type:
        raise UnknownEventType(f"{event.type}: version {version} is not served")
    try:
        model.model_validate(event.data)
    except ValidationError as exc:
        raise SchemaViolation(f"{event.type}: {_first_errors(exc)}") from exc


def _first_errors(exc: ValidationError, limit: int = 3) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()[:limit]]
    return "; ".join(parts)
