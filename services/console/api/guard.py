"""Checks every console request passes, on the server: a live session, the CSRF token on state changes, the
role's permissions (refusals audited), security headers; and the unmask switch, for admins only.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, request, url_for

from services.console import handlers
from services.console.api.filters import FILTERS
from services.console.api.ports import Accounts, Audited
from services.console.api.rendering import error, wants_json
from services.console.api.security import CSRF_FIELD, SESSION_COOKIE, check_csrf, security_headers
from services.console.domain import csrf
from services.console.domain.roles import Forbidden, Permission, allowed
from shared.http.body import query_text
from shared.http.problems import Problem, validation_problem

# The API's document is public, as every service's is: it describes routes, never data.
PUBLIC_ENDPOINTS = {"console.login_form", "console.login", "console.static", "console.openapi", "console.docs"}


def install(bp: Blueprint, console: Accounts) -> None:
    """Session, CSRF and header hooks, and the error handlers, on the console's blueprint."""

    @bp.record_once
    def _filters(state) -> None:
        state.app.jinja_env.filters.update(FILTERS)
        state.app.jinja_env.globals["csrf_field"] = CSRF_FIELD

    @bp.before_request
    def _authenticate():
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        session = handlers.operators.session_for(console.accounts(), request.cookies.get(SESSION_COOKIE),
                                                 console.now())
        if session is None:
            if wants_json():
                raise Problem(401, "Unauthorized", "log in to the console first")
            return redirect(url_for("console.login_form", next=request.full_path.rstrip("?")), 303)
        g.session = session
        if csrf.needs_check(request.method):
            check_csrf(session)
        return None

    @bp.after_request
    def _headers(response: Response) -> Response:
        return security_headers(response)

    _install_errors(bp, console)


def _install_errors(bp: Blueprint, console: Audited) -> None:
    @bp.errorhandler(Forbidden)
    def _forbidden(exc: Forbidden):
        console.audit().record(console.now(), _who(), f"refused.{exc.permission.value}", request.path, "refused",
                               {"role": exc.role.value, "method": request.method})
        return error(Problem(403, "Forbidden", str(exc)))

    @bp.errorhandler(csrf.CsrfRejected)
    def _csrf(exc: csrf.CsrfRejected):
        console.audit().record(console.now(), _who(), "refused.csrf", request.path, "refused", {"error": str(exc)})
        return error(Problem(403, "CSRF check failed", f"{exc}; reload the page and try again"))

    @bp.errorhandler(Problem)
    def _problem(problem: Problem):
        return error(problem)


def _who() -> str:
    return g.session.operator if g.get("session") else "(anonymous)"


def safe_next(value: str | None) -> str | None:
    """Only a path on this console (never `//host` or a scheme) is followed after login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def unmasked(console: Audited, what: str) -> bool:
    """`?unmask=1` shows personal data in clear: admins only, and every time audited; `0` or nothing masks."""
    wanted = query_text("unmask", 1)
    if wanted not in (None, "0", "1"):
        raise validation_problem([{"field": "unmask", "message": "give 1 to unmask, 0 or nothing to mask"}],
                                 status=400)
    if wanted != "1":
        return False
    if not allowed(g.session.role, Permission.UNMASK):
        raise Forbidden(g.session.role, Permission.UNMASK)
    console.audit().record(console.now(), g.session.operator, "unmask", what, "ok")
    return True
