"""Cursor pagination: an opaque token for "after this item" in a newest-first (created_at, id) listing."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class InvalidCursor(ValueError):
    """The cursor was not made by this API."""


class Listed(Protocol):
    """Anything listed newest first by (created_at, id)."""

    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def encode_cursor(item: Listed) -> str:
    """An opaque token for "after this item" in the newest-first order."""
    raw = json.dumps({"t": item.created_at.isoformat(), "id": item.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


class _CursorPosition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    t: str = Field(max_length=40)
    id: str = Field(max_length=40)


def decode_cursor(cursor: str, id_pattern: re.Pattern[str]) -> tuple[datetime, str]:
    """The (created_at, id) a cursor points after; raises InvalidCursor for anything we did not make.

    `id_pattern` is the listed ids' form: a cursor naming anything else would reach the store's query.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = _CursorPosition.model_validate_json(raw)
        created_at = datetime.fromisoformat(position.t)
    except (binascii.Error, ValueError, ValidationError) as exc:
        raise InvalidCursor("the cursor is not one this API returned") from exc
    if created_at.tzinfo is None or not id_pattern.match(position.id):
        raise InvalidCursor("the cursor is not one this API returned")
    return created_at, position.id


def position_after(
    cursor: str | None, id_pattern: re.Pattern[str], errors: list[dict[str, str]]
) -> tuple[datetime, str] | None:
    """Where the `cursor` query parameter points, None without one; a cursor we did not make joins `errors`."""
    if not cursor:
        return None
    try:
        return decode_cursor(cursor, id_pattern)
    except InvalidCursor as exc:
        errors.append({"field": "cursor", "message": str(exc)})
        return None
