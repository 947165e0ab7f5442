"""Operators: logging in and out, sessions, accounts made, disabled and enabled, and the audit trail of each."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.console.adapters.accounts import MongoAccounts
from services.console.adapters.journal import MongoAuditLog
from services.console.adapters.passwords import Argon2Passwords
from services.console.domain import csrf
from services.console.domain.operators import (
    LoginFailed,
    Operator,
    Session,
    check_name,
    check_password,
    new_session,
    new_session_token,
    token_hash,
)
from services.console.domain.roles import Role


def create_operator(accounts: MongoAccounts, passwords: Argon2Passwords, audit: MongoAuditLog, name: str,
                    role: Role, password: str, now: datetime, by: str = "cli") -> Operator:
    """A new account (raises InvalidOperator or OperatorExists); the password is stored only as its hash."""
    operator = Operator(check_name(name), role, passwords.hash(check_password(password)), now)
    accounts.add(operator)
    audit.record(now, by, "operator.create", operator.name, "ok", {"role": role.value})
    return operator


def login(accounts: MongoAccounts, passwords: Argon2Passwords, audit: MongoAuditLog, name: str, password: str,
          now: datetime, lifetime: timedelta, client: str) -> tuple[str, Session]:
    """A new session and its cookie token; LoginFailed (audited) otherwise — the same for every cause."""
    cleaned = name.strip().lower()[:64]
    operator = accounts.get(cleaned)
    if operator is None:
        passwords.dummy_verify(password)
        ok = False
    else:
        ok = passwords.verify(operator.password_hash, password) and not operator.disabled
    if not ok or operator is None:
        audit.record(now, cleaned or "(empty)", "login", cleaned, "refused", {"client": client})
        raise LoginFailed("wrong name or password")
    token = new_session_token()
    session = new_session(operator, token, csrf.new_token(), now, lifetime)
    accounts.save_session(session)
    audit.record(now, operator.name, "login", operator.name, "ok", {"client": client})
    return token, session


def session_for(accounts: MongoAccounts, token: str | None, now: datetime) -> Session | None:
    """The live session a cookie names; an expired one is deleted; a disabled operator has none."""
    if not token or len(token) > 200:
        return None
    session = accounts.session(token_hash(token))
    if session is None:
        return None
    if session.expired(now):
        accounts.end_session(session.token_hash)
        return None
    operator = accounts.get(session.operator)
    if operator is None or operator.disabled:
        accounts.end_session(session.token_hash)
        return None
    # The role is read from the account on every request, so a demotion takes effect at once.
    if operator.role != session.role:
        return Session(session.token_hash, session.operator, operator.role, session.csrf_token, session.created_at,
                       session.expires_at)
    return session


def logout(accounts: MongoAccounts, audit: MongoAuditLog, session: Session, now: datetime) -> None:
    accounts.end_session(session.token_hash)
    audit.record(now, session.operator, "logout", session.operator, "ok")


def set_disabled(accounts: MongoAccounts, audit: MongoAuditLog, name: str, disabled: bool, now: datetime,
                 by: str = "cli") -> None:
    """Disable (ending every session of) or enable an operator, audited; the caller checks that it exists."""
    accounts.set_disabled(name, disabled)
    if disabled:
        accounts.end_sessions_of(name)
    audit.record(now, by, "operator.disable" if disabled else "operator.enable", name, "ok")
