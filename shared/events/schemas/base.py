"""The base every event payload and nested value shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    """Strict: unknown fields are a schema violation, not silently carried; strings are validated as sent."""

    model_config = ConfigDict(extra="forbid", frozen=True)
