"""Session cookies, CSRF and role checks for every console request, enforced here on the server."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, g, request

from services.console.domain import csrf
from services.console.domain.operators import Session
from services.console.domain.roles import Permission, Role, require

SESSION_COOKIE = "pb_console_session"
LOGIN_CSRF_COOKIE = "pb_console_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
F = TypeVar("F", bound=Callable[..., Any])

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def set_session_cookie(response: Response, token: str, max_age: int, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="Strict", secure=secure,
                        path="/")


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Strict", secure=secure)


def login_csrf_token() -> str:
    """The double-submit token of the login form (there is no session yet to hold one)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_login_csrf_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="Strict", secure=secure,
                        path="/login")


def check_csrf(session: Session) -> None:
    """Every state-changing request carries the session's token (header or form field) from this origin."""
    csrf.check_origin(request.headers.get("Origin"), request.host_url)
    presented = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    csrf.check(session.csrf_token, presented)


def check_login_csrf() -> None:
    csrf.check_origin(request.headers.get("Origin"), request.host_url)
    csrf.check(request.cookies.get(LOGIN_CSRF_COOKIE), request.form.get(CSRF_FIELD))


def current() -> Session:
    return g.session


def role() -> Role:
    return g.session.role


def needs(permission: Permission) -> Callable[[F], F]:
    """Route decorator: the session's role must grant `permission` (403 and an audit entry otherwise)."""

    def wrap(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            require(g.session.role, permission)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return wrap


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype in ("text/html", "application/json", "text/event-stream"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
