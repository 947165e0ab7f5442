"""CSRF tokens: one random token per session, compared in constant time on every state-changing request."""

from __future__ import annotations

import hmac
import secrets

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(Exception):
    """A state-changing request without the session's CSRF token (or from another origin)."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def needs_check(method: str) -> bool:
    return method.upper() not in SAFE_METHODS


def check(expected: str | None, presented: str | None) -> None:
    """Raise CsrfRejected unless `presented` equals the session's token."""
    if not expected or not presented or not hmac.compare_digest(expected.encode(), presented.encode()):
        raise CsrfRejected("missing or wrong CSRF token")


def check_origin(origin: str | None, host_url: str) -> None:
    """A browser's Origin header, when sent, must be this console (defence in depth beside the token)."""
    if origin and origin.rstrip("/") != host_url.rstrip("/"):
        raise CsrfRejected(f"request from another origin ({origin})")
