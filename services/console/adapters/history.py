"""What the background sampler keeps: lag samples per group, end offsets per topic, snapshots, alert states.

Each group and topic has one bounded document written by one process (the sampler); pages read them by `_id`.
Snapshots are stored as JSON text: their keys (topic names, cities) may hold characters a store key may not.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from pymongo.database import Database

from services.console.domain.alerts import AlertState

LAG_HISTORY = "lag_history"
TOPIC_HISTORY = "topic_history"
SNAPSHOTS = "snapshots"
ALERTS = "alerts"
ALERT_LOG = "alert_log"
KEEP_SAMPLES = 180


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"))


class MongoHistory:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_lag_sample(self, group: str, sample: dict[str, Any], keep: int = KEEP_SAMPLES) -> None:
        """Append one sample ({at, parts: [{t, p, c, e, s}], lag, lag_s, members}) to the group's history."""
        doc = self.db[LAG_HISTORY].find_one({"_id": group}) or {"_id": group, "samples": []}
        samples = [*doc["samples"], sample][-keep:]
        self.db[LAG_HISTORY].replace_one({"_id": group}, {"_id": group, "samples": samples}, upsert=True)

    def lag_samples(self, group: str) -> list[dict[str, Any]]:
        doc = self.db[LAG_HISTORY].find_one({"_id": group})
        return doc["samples"] if doc else []

    def all_lag_samples(self) -> dict[str, list[dict[str, Any]]]:
        return {d["_id"]: d["samples"] for d in self.db[LAG_HISTORY].find({})}

    def add_topic_sample(self, topic: str, at: float, end: int, keep: int = KEEP_SAMPLES) -> None:
        doc = self.db[TOPIC_HISTORY].find_one({"_id": topic}) or {"_id": topic, "samples": []}
        samples = [*doc["samples"], {"at": at, "end": end}][-keep:]
        self.db[TOPIC_HISTORY].replace_one({"_id": topic}, {"_id": topic, "samples": samples}, upsert=True)

    def topic_samples(self) -> dict[str, list[dict[str, Any]]]:
        return {d["_id"]: d["samples"] for d in self.db[TOPIC_HISTORY].find({})}

    def save_snapshot(self, name: str, at: datetime, data: Any) -> None:
        self.db[SNAPSHOTS].replace_one({"_id": name}, {"_id": name, "at": at, "json": to_json(data)}, upsert=True)

    def snapshot(self, name: str) -> tuple[datetime, Any] | None:
        doc = self.db[SNAPSHOTS].find_one({"_id": name})
        if not doc:
            return None
        at = doc["at"] if doc["at"].tzinfo else doc["at"].replace(tzinfo=UTC)
        return at, json.loads(doc["json"])

    def alert_states(self) -> dict[str, AlertState]:
        return {d["_id"]: AlertState.from_document(d) for d in self.db[ALERTS].find({})}

    def save_alert_states(self, states: list[AlertState]) -> None:
        for state in states:
            self.db[ALERTS].replace_one({"_id": state.key}, state.to_document(), upsert=True)

    def log_notification(self, entry_id: str, entry: dict[str, Any]) -> None:
        self.db[ALERT_LOG].insert_one({"_id": entry_id, **entry})

    def notifications(self, limit: int = 100) -> list[dict[str, Any]]:
        return list(self.db[ALERT_LOG].find({}).sort("_id", -1).limit(limit))
