"""The console's wire models: the JSON API's request bodies, and the JSON shape of a record on a page or in the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.console.domain import replay as rp
from services.console.domain.masking import maybe_mask
from services.console.domain.records import RecordView


class FilterBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(default=None, max_length=100)
    type: str | None = Field(default=None, max_length=100)
    header: str | None = Field(default=None, max_length=200)
    q: str | None = Field(default=None, max_length=200)
    all: bool = False  # an empty filter picks every record only when this says so


class DryRunBody(BaseModel):
    """Either the ids of the records (`topic:partition:offset`) or a filter every chosen record matches."""

    model_config = ConfigDict(extra="forbid")

    record_ids: list[str] = Field(default_factory=list, max_length=1000)
    filter: FilterBody | None = None


class ReplayBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan_id: str = Field(min_length=8, max_length=64)


class ParkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_ids: list[str] = Field(min_length=1, max_length=1000)
    reason: str = Field(min_length=3, max_length=500)


def record_json(view: RecordView, unmasked: bool, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record for a page or the API: decoded event and value masked unless an admin asked otherwise."""
    return {
        "id": rp.record_id(view), "topic": view.topic, "partition": view.partition, "offset": view.offset,
        "timestamp": view.time.isoformat(), "key": view.key, "type": view.event_type,
        "headers": [{"name": k, "value": maybe_mask(v, unmasked)} for k, v in view.headers],
        "event": maybe_mask(view.event, unmasked) if view.event is not None else None,
        "value": None if view.event is not None else maybe_mask(view.value[:2000], unmasked),
        "decode_error": view.decode_error, "replay_count": rp.replay_count(view),
        "state": rp.done_state(state), "parked_reason": (state or {}).get("reason"),
    }


def plan_json(plan: dict[str, Any]) -> dict[str, Any]:
    """A dry run's plan with each decision as a record (never unmasked), its target and why it is refused."""
    shown = {k: v for k, v in plan.items() if k != "decisions"}
    shown["records"] = [{**record_json(d.record, False), "target": d.target, "allowed": d.allowed,
                         "reason": d.reason} for d in plan["decisions"]]
    return shown
