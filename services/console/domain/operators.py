"""Operator accounts and sessions: names, password rules and how long a session lives."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.console.domain.roles import Role

NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,39}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256


class InvalidOperator(ValueError):
    """A name or password that breaks the account rules."""


class OperatorExists(Exception):
    """An operator with this name already exists."""


class LoginFailed(Exception):
    """Unknown name, wrong password or disabled account — deliberately not told apart."""


@dataclass(frozen=True)
class Operator:
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    disabled: bool = False


@dataclass(frozen=True)
class Session:
    token_hash: str  # the cookie value is never stored, only its hash
    operator: str
    role: Role
    csrf_token: str
    created_at: datetime
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def check_name(name: str) -> str:
    cleaned = name.strip().lower()
    if not NAME.match(cleaned):
        raise InvalidOperator("a name is 2-40 characters: a letter, then letters, digits, '_', '.' or '-'")
    return cleaned


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidOperator(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(operator: Operator, token: str, csrf_token: str, now: datetime, lifetime: timedelta) -> Session:
    return Session(token_hash(token), operator.name, operator.role, csrf_token, now, now + lifetime)
