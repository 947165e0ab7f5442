"""The base every event payload and nested value shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    """Strict: unknown fields are a schema violation, not silently carried."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
