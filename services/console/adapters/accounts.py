"""Operators and their sessions in the console's own database (`_id` lookups only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.console.domain.operators import Operator, OperatorExists, Session
from services.console.domain.roles import Role

OPERATORS = "operators"
SESSIONS = "sessions"


class MongoAccounts:
    def __init__(self, db: Database) -> None:
        self.operators = db[OPERATORS]
        self.sessions = db[SESSIONS]

    def add(self, operator: Operator) -> None:
        try:
            self.operators.insert_one(_operator_doc(operator))
        except DuplicateKeyError as exc:
            raise OperatorExists(operator.name) from exc

    def get(self, name: str) -> Operator | None:
        doc = self.operators.find_one({"_id": name})
        return _operator(doc) if doc else None

    def list(self) -> list[Operator]:
        return [_operator(d) for d in self.operators.find({}).sort("_id", 1)]

    def set_password(self, name: str, password_hash: str) -> None:
        self.operators.update_one({"_id": name}, {"$set": {"password_hash": password_hash}})

    def set_disabled(self, name: str, disabled: bool) -> None:
        self.operators.update_one({"_id": name}, {"$set": {"disabled": disabled}})

    def set_role(self, name: str, role: Role) -> None:
        self.operators.update_one({"_id": name}, {"$set": {"role": role.value}})

    def save_session(self, session: Session) -> None:
        self.sessions.insert_one({"_id": session.token_hash, "operator": session.operator,
                                  "role": session.role.value, "csrf": session.csrf_token,
                                  "created_at": session.created_at, "expires_at": session.expires_at})

    def session(self, token_hash: str) -> Session | None:
        doc = self.sessions.find_one({"_id": token_hash})
        if not doc:
            return None
        return Session(doc["_id"], doc["operator"], Role(doc["role"]), doc["csrf"], doc["created_at"],
                       doc["expires_at"])

    def end_session(self, token_hash: str) -> None:
        self.sessions.delete_one({"_id": token_hash})

    def end_sessions_of(self, name: str) -> None:
        self.sessions.delete_many({"operator": name})

    def purge_expired(self, now: datetime) -> int:
        return self.sessions.delete_many({"expires_at": {"$lte": now}}).deleted_count


def _operator_doc(operator: Operator) -> dict[str, Any]:
    return {"_id": operator.name, "role": operator.role.value, "password_hash": operator.password_hash,
            "created_at": operator.created_at, "disabled": operator.disabled}


def _operator(doc: dict[str, Any]) -> Operator:
    return Operator(doc["_id"], Role(doc["role"]), doc["password_hash"], doc["created_at"],
                    bool(doc.get("disabled")))
