"""The audit log (who did what, when, with what result) and the replay log (what was replayed or parked)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

AUDIT = "audit"
REPLAYS = "replays"
PLANS = "replay_plans"


def time_id(now: datetime) -> str:
    """An id that sorts by time (newest last), unique enough for one writer per millisecond."""
    return f"{now:%Y%m%dT%H%M%S.%f}-{secrets.token_hex(4)}"


class MongoAuditLog:
    def __init__(self, db: Database) -> None:
        self.collection = db[AUDIT]

    def record(self, now: datetime, who: str, action: str, target: str, result: str,
               detail: dict[str, Any] | None = None) -> str:
        entry_id = time_id(now)
        self.collection.insert_one({"_id": entry_id, "at": now, "who": who, "action": action, "target": target[:300],
                                    "result": result, "detail": detail or {}})
        return entry_id

    def recent(self, limit: int = 200, action: str | None = None) -> list[dict[str, Any]]:
        query = {"action": action} if action else {}
        return list(self.collection.find(query).sort("_id", DESCENDING).limit(limit))


class MongoReplayLog:
    """One document per dead letter acted on (`_id` = topic:partition:offset): the duplicate-key error on
    insert is what makes a replay happen at most once, even from two browsers at the same moment."""

    def __init__(self, db: Database) -> None:
        self.collection = db[REPLAYS]
        self.plans = db[PLANS]

    def claim(self, record_id: str, action: str, who: str, now: datetime, detail: dict[str, Any]) -> bool:
        """True if this call now owns the record's one replay or parking; False if it was already acted on."""
        try:
            self.collection.insert_one({"_id": record_id, "action": action, "state": "pending", "who": who,
                                        "at": now, **detail})
        except DuplicateKeyError:
            return False
        return True

    def finish(self, record_id: str, state: str, detail: dict[str, Any] | None = None) -> None:
        self.collection.update_one({"_id": record_id}, {"$set": {"state": state, **(detail or {})}})

    def release(self, record_id: str) -> None:
        """Undo a claim whose replay could not be produced, so it can be tried again."""
        self.collection.delete_one({"_id": record_id, "state": "pending"})

    def states(self, record_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not record_ids:
            return {}
        return {d["_id"]: d for d in self.collection.find({"_id": {"$in": record_ids}})}

    def for_topic(self, topic: str) -> list[dict[str, Any]]:
        return list(self.collection.find({"dlq_topic": topic}))

    def save_plan(self, plan_id: str, plan: dict[str, Any]) -> None:
        self.plans.insert_one({"_id": plan_id, **plan})

    def plan(self, plan_id: str) -> dict[str, Any] | None:
        return self.plans.find_one({"_id": plan_id})

    def close_plan(self, plan_id: str, now: datetime) -> bool:
        """Mark a plan executed; False if it already was (a dry run is executed at most once)."""
        result = self.plans.update_one({"_id": plan_id, "executed_at": None}, {"$set": {"executed_at": now}})
        return result.modified_count == 1
