"""Operators: logging in and out, who am I, accounts (admins), and the audit log."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for

from services.console import handlers
from services.console.api.guard import safe_next
from services.console.api.ports import Accounts
from services.console.api.rendering import page
from services.console.api.security import (
    check_login_csrf,
    clear_session_cookie,
    login_csrf_token,
    needs,
    set_login_csrf_cookie,
    set_session_cookie,
)
from services.console.domain.operators import InvalidOperator, LoginFailed, OperatorExists
from services.console.domain.roles import Permission, allowed, parse_role
from shared.http.body import query_text
from shared.http.problems import Problem

AUDIT_SHOWN = 300


def install(bp: Blueprint, console: Accounts) -> None:
    @bp.get("/login")
    def login_form():
        return _login_page(console, safe_next(request.args.get("next")))

    @bp.post("/login")
    def login():
        check_login_csrf()
        form = request.form
        try:
            token, _session = handlers.operators.login(
                console.accounts(), console.passwords, console.audit(), form.get("name", ""), form.get("password", ""),
                console.now(), console.options.session_lifetime, request.remote_addr or "")
        except LoginFailed:
            return _login_page(console, safe_next(form.get("next")), "Wrong name or password.", 401)
        response = redirect(safe_next(form.get("next")) or url_for("console.overview"), 303)
        set_session_cookie(response, token, int(console.options.session_lifetime.total_seconds()),
                           console.options.cookie_secure)
        return response

    @bp.post("/logout")
    def logout():
        handlers.operators.logout(console.accounts(), console.audit(), g.session, console.now())
        response = redirect(url_for("console.login_form"), 303)
        clear_session_cookie(response, console.options.cookie_secure)
        return response

    @bp.get("/api/me")
    def me():
        return jsonify(operator=g.session.operator, role=g.session.role.value, csrf_token=g.session.csrf_token,
                       permissions=[p.value for p in Permission if allowed(g.session.role, p)])

    @bp.get("/operators")
    @needs(Permission.MANAGE_OPERATORS)
    def operators():
        return page("operators", "operators.html", operators=console.accounts().list(), message=None)

    @bp.post("/operators")
    @needs(Permission.MANAGE_OPERATORS)
    def create_operator():
        try:
            created = handlers.operators.create_operator(
                console.accounts(), console.passwords, console.audit(), request.form.get("name", ""),
                parse_role(request.form.get("role", "")), request.form.get("password", ""), console.now(),
                by=g.session.operator)
            message = f"operator {created.name} ({created.role.value}) created"
        except (InvalidOperator, OperatorExists, ValueError) as exc:
            message = f"not created: {exc}"
        return page("operators", "operators.html", operators=console.accounts().list(), message=message)

    @bp.post("/operators/<name>/<action>")
    @needs(Permission.MANAGE_OPERATORS)
    def change_operator(name: str, action: str):
        if action not in ("disable", "enable") or name == g.session.operator:
            raise Problem(400, "Not allowed", "disable or enable another operator")
        handlers.operators.set_disabled(console.accounts(), console.audit(), name, action == "disable",
                                        console.now(), by=g.session.operator)
        return redirect(url_for("console.operators"), 303)

    @bp.get("/audit")
    @needs(Permission.VIEW_AUDIT)
    def audit():
        action = query_text("action", 60)
        return page("audit", "audit.html", entries=console.audit().recent(AUDIT_SHOWN, action or None), action=action)

    @bp.get("/api/audit")
    @needs(Permission.VIEW_AUDIT)
    def api_audit():
        return jsonify(entries=console.audit().recent(AUDIT_SHOWN, query_text("action", 60) or None))


def _login_page(console: Accounts, next_path: str | None, error: str | None = None, status: int = 200) -> Response:
    """The login form with a fresh double-submit CSRF token in its cookie."""
    token = login_csrf_token()
    response = Response(render_template("login.html", csrf_token=token, error=error, next=next_path), status=status)
    set_login_csrf_cookie(response, token, console.options.cookie_secure)
    return response
