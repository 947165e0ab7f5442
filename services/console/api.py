"""The console's routes: server-rendered pages, their live regions over SSE, and the JSON API they use.

Every route but the login form needs a session; every state change needs the CSRF token; every permission is
checked here, on the server, whatever the page shows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, stream_with_context, url_for

from services.console import handlers, views
from services.console.domain import csrf
from services.console.domain.operators import InvalidOperator, LoginFailed, OperatorExists
from services.console.domain.records import view_of
from services.console.domain.roles import Forbidden, Permission, allowed, parse_role
from services.console.handlers import dead_letters
from services.console.openapi import openapi_document
from services.console.queries import (
    browse_args,
    filter_from_args,
    selection,
)
from services.console.security import (
    CSRF_FIELD,
    check_csrf,
    check_login_csrf,
    clear_session_cookie,
    login_csrf_token,
    needs,
    security_headers,
    set_login_csrf_cookie,
    set_session_cookie,
)
from services.console.views import DryRunBody, ParkBody, ReplayBody
from services.console.web import FILTERS, sse, sse_comment
from shared.http.body import parse_body, query_text
from shared.http.docs import add_document_routes
from shared.http.problems import Problem, problem_response, validation_problem

if TYPE_CHECKING:
    from services.console.bootstrap import ConsoleService

# The API's document is public, as every service's is: it describes routes, never data.
PUBLIC_ENDPOINTS = {"console.login_form", "console.login", "console.static", "console.openapi", "console.docs"}
STREAM_SECONDS = 120  # a stream ends after this; EventSource reconnects by itself (no thread held forever)
TAIL_SECONDS = 300
MAX_TAILS = 4  # per process: each live tail holds a thread and a consumer


def console_blueprint(service: ConsoleService) -> Blueprint:
    bp = Blueprint("console", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static")
    tails = threading.BoundedSemaphore(MAX_TAILS)
    _install_hooks(bp, service)
    _install_errors(bp, service)
    regions = _regions(service)
    add_document_routes(bp, openapi_document)

    def page(name: str, template: str, **context: Any) -> str:
        return render_template(template, page=name, session=g.session, csrf_token=g.session.csrf_token,
                               can=lambda p: allowed(g.session.role, Permission(p)), **context)

    # -- access ---------------------------------------------------------------------------------------------

    @bp.get("/login")
    def login_form():
        token = login_csrf_token()
        response = Response(render_template("login.html", csrf_token=token, error=None,
                                            next=_safe_next(request.args.get("next"))))
        set_login_csrf_cookie(response, token, service.options.cookie_secure)
        return response

    @bp.post("/login")
    def login():
        check_login_csrf()
        name, password = request.form.get("name", ""), request.form.get("password", "")
        try:
            token, _session = handlers.operators.login(
                service.accounts(), service.passwords, service.audit(), name, password, service.now(),
                service.options.session_lifetime, request.remote_addr or "")
        except LoginFailed:
            fresh = login_csrf_token()
            response = Response(render_template("login.html", csrf_token=fresh, error="Wrong name or password.",
                                                next=_safe_next(request.form.get("next"))), status=401)
            set_login_csrf_cookie(response, fresh, service.options.cookie_secure)
            return response
        response = redirect(_safe_next(request.form.get("next")) or url_for("console.overview"), 303)
        set_session_cookie(response, token, int(service.options.session_lifetime.total_seconds()),
                           service.options.cookie_secure)
        return response

    @bp.post("/logout")
    def logout():
        handlers.operators.logout(service.accounts(), service.audit(), g.session, service.now())
        response = redirect(url_for("console.login_form"), 303)
        clear_session_cookie(response, service.options.cookie_secure)
        return response

    @bp.get("/api/me")
    def me():
        return jsonify(operator=g.session.operator, role=g.session.role.value, csrf_token=g.session.csrf_token,
                       permissions=[p.value for p in Permission if allowed(g.session.role, p)])

    # -- pages ----------------------------------------------------------------------------------------------

    @bp.get("/")
    def overview():
        return page("overview", "overview.html", **regions["overview"]({}))

    @bp.get("/topics")
    def topics():
        return page("topics", "topics.html", **regions["topics"]({}))

    def browse_topic(name: str):
        """One bounded page of a topic's records for the query string's filters, and whether to unmask them."""
        args = browse_args()
        filt = filter_from_args(service.model())
        with service.reader() as reader:
            if not reader.partitions(name):
                raise Problem(404, "Topic not found", f"no topic {name!r}")
            result = handlers.records.browse(reader, name, args["partition"], args["anchors"], args["timestamp_ms"],
                                        filt, args["limit"])
        return result, _unmasked(service, f"topic {name}")

    @bp.get("/topics/<name>")
    def topic(name: str):
        result, unmasked = browse_topic(name)
        return page("topics", "topic.html", topic=name, partitions=handlers.topics.topic_partitions(service.inspector(),
                                                                                               name),
                    result=result, records=[views.record_json(v, unmasked) for v in result.records],
                    query={k: request.args.get(k, "") for k in ("partition", "offset", "timestamp", "key", "type",
                                                                "header", "q", "limit")},
                    unmasked=unmasked)

    @bp.get("/groups")
    def groups():
        return page("groups", "groups.html", **regions["groups"]({}))

    @bp.get("/groups/<group>")
    def group(group: str):
        context = regions["group"]({"group": group})
        if context["group"] is None:
            raise Problem(404, "Consumer group not found", f"no group {group!r}")
        return page("groups", "group.html", **context)

    @bp.get("/dlq")
    def dlq_page():
        return page("dlq", "dlq.html", **regions["dlq"]({}))

    @bp.get("/dlq/<topic>")
    def dlq_topic(topic: str):
        if not topic.endswith(".dlq"):
            raise Problem(404, "Not a dead-letter topic", f"{topic!r} does not end in .dlq")
        unmasked = _unmasked(service, f"dlq {topic}")
        return page("dlq", "dlq_topic.html", topic=topic, unmasked=unmasked,
                    max_replays=service.options.max_replays, **_dlq_records(service, topic, unmasked))

    @bp.get("/pipeline")
    def pipeline():
        return page("pipeline", "pipeline.html", **regions["pipeline"]({}))

    @bp.get("/trace")
    def trace():
        number = (query_text("number", 100) or "").strip()
        found = handlers.pipeline.trace(service.model(), number) if number else None
        dead = _dead_letters_for(service, found["keys"]) if found else []
        return page("trace", "trace.html", number=number, found=found, dead=dead)

    @bp.get("/alerts")
    def alerts():
        return page("alerts", "alerts.html", **regions["alerts"]({}))

    @bp.get("/audit")
    @needs(Permission.VIEW_AUDIT)
    def audit():
        action = query_text("action", 60)
        return page("audit", "audit.html", entries=service.audit().recent(300, action or None), action=action)

    @bp.get("/operators")
    @needs(Permission.MANAGE_OPERATORS)
    def operators():
        return page("operators", "operators.html", operators=service.accounts().list(), message=None)

    @bp.post("/operators")
    @needs(Permission.MANAGE_OPERATORS)
    def create_operator():
        message = None
        try:
            created = handlers.operators.create_operator(
                service.accounts(), service.passwords, service.audit(), request.form.get("name", ""),
                parse_role(request.form.get("role", "")), request.form.get("password", ""), service.now(),
                by=g.session.operator)
            message = f"operator {created.name} ({created.role.value}) created"
        except (InvalidOperator, OperatorExists, ValueError) as exc:
            message = f"not created: {exc}"
        return page("operators", "operators.html", operators=service.accounts().list(), message=message)

    @bp.post("/operators/<name>/<action>")
    @needs(Permission.MANAGE_OPERATORS)
    def change_operator(name: str, action: str):
        if action not in ("disable", "enable") or name == g.session.operator:
            raise Problem(400, "Not allowed", "disable or enable another operator")
        handlers.operators.set_disabled(service.accounts(), service.audit(), name, action == "disable", service.now(),
                                        by=g.session.operator)
        return redirect(url_for("console.operators"), 303)

    # -- live regions ---------------------------------------------------------------------------------------

    @bp.get("/stream/<name>")
    def stream(name: str):
        if name not in regions:
            raise Problem(404, "No such live page")
        args = {k: v for k, v in request.args.items() if k in ("group",)}
        interval = 10.0 if name == "pipeline" else 3.0
        build = regions[name]
        role = g.session.role

        def can(permission: str) -> bool:
            return allowed(role, Permission(permission))

        def events() -> Iterator[str]:
            # stream_with_context keeps this request's context (and its session) while the stream runs.
            yield "retry: 3000\n\n"
            ends = time.monotonic() + STREAM_SECONDS
            while time.monotonic() < ends:
                context = build(args)
                yield sse("regions", {region: render_template(f"regions/{region}.html", **context, can=can)
                                      for region in REGION_TEMPLATES[name]})
                time.sleep(interval)

        return _event_stream(events())

    # -- JSON API -------------------------------------------------------------------------------------------

    @bp.get("/api/overview")
    def api_overview():
        return jsonify(_overview(service))

    @bp.get("/api/topics")
    def api_topics():
        return jsonify(topics=handlers.topics.topics_view(service.inspector(), service.history()))

    @bp.get("/api/topics/<name>/messages")
    def api_messages(name: str):
        result, unmasked = browse_topic(name)
        return jsonify(records=[views.record_json(v, unmasked) for v in result.records], scanned=result.scanned,
                       truncated=result.truncated, next=result.next_anchor,
                       bounds={p: {"start": s, "end": e} for p, (s, e) in result.bounds.items()})

    @bp.get("/api/topics/<name>/tail")
    def api_tail(name: str):
        filt = filter_from_args(service.model())
        unmasked = _unmasked(service, f"tail {name}")
        if not tails.acquire(blocking=False):
            raise Problem(429, "Too many live tails", f"at most {MAX_TAILS} at once per console process",
                          headers={"Retry-After": "10"})

        def events() -> Iterator[str]:
            stop = threading.Event()
            try:
                yield "retry: 3000\n\n"
                with service.reader() as reader:
                    tps = reader.partitions(name)
                    for record in reader.tail(tps, stop, TAIL_SECONDS):
                        if record is None:
                            yield sse_comment()
                            continue
                        view = view_of(record.topic, record.partition, record.offset, record.timestamp,
                                                   record.key, record.value, record.headers)
                        if filt.matches(view):
                            yield sse("record", views.record_json(view, unmasked))
            finally:
                stop.set()
                tails.release()

        return _event_stream(events())

    @bp.get("/api/groups")
    def api_groups():
        return jsonify(groups=handlers.groups.groups_view(service.inspector(), service.history(),
                                                      service.options.burrow_window))

    @bp.get("/api/groups/<group>")
    def api_group(group: str):
        found = regions["group"]({"group": group})["group"]
        if found is None:
            raise Problem(404, "Consumer group not found", f"no group {group!r}")
        return jsonify(found)

    @bp.get("/api/dlq")
    def api_dlq():
        return jsonify(topics=_dlq_overview(service))

    @bp.get("/api/dlq/<topic>/records")
    def api_dlq_records(topic: str):
        if not topic.endswith(".dlq"):  # as the page answers: any other topic is no dead-letter topic
            raise Problem(404, "Not a dead-letter topic", f"{topic!r} does not end in .dlq")
        return jsonify(_dlq_records(service, topic, _unmasked(service, f"dlq {topic}")))

    @bp.post("/api/dlq/<topic>/dry-run")
    @needs(Permission.REPLAY)
    def api_dry_run(topic: str):
        body = parse_body(DryRunBody)
        known = handlers.dead_letters.known_topics(service.inspector())
        with service.reader() as reader:
            plan = dead_letters.dry_run(reader, service.replays(), service.audit(), known, topic,
                                        selection(body, service.model()), g.session.operator,
                                        service.options.max_replays, service.now())
        decisions = plan.pop("decisions")
        plan["records"] = [{**views.record_json(d.record, False), "target": d.target, "allowed": d.allowed,
                            "reason": d.reason} for d in decisions]
        return jsonify(plan)

    @bp.post("/api/dlq/replay")
    @needs(Permission.REPLAY)
    def api_replay():
        body = parse_body(ReplayBody)
        known = handlers.dead_letters.known_topics(service.inspector())
        with service.reader() as reader:
            try:
                result = dead_letters.execute(reader, service.producer(), service.replays(), service.audit(), known,
                                              body.plan_id, g.session.operator, service.options.max_replays,
                                              service.now())
            except dead_letters.PlanError as exc:
                service.audit().record(service.now(), g.session.operator, "replay.execute", body.plan_id, "refused",
                                       {"error": str(exc)})
                raise Problem(409, "Replay refused", str(exc)) from exc
        return jsonify(result)

    @bp.post("/api/dlq/<topic>/park")
    @needs(Permission.PARK)
    def api_park(topic: str):
        body = parse_body(ParkBody)
        return jsonify(dead_letters.park(service.replays(), service.audit(), topic, body.record_ids, body.reason,
                                         g.session.operator, service.now()))

    @bp.get("/api/pipeline")
    def api_pipeline():
        return jsonify(handlers.pipeline.current(service.model(), service.history(), service.now(),
                                              service.options.stage_limits))

    @bp.get("/api/trace")
    def api_trace():
        number = (query_text("number", 100) or "").strip()
        found = handlers.pipeline.trace(service.model(), number) if number else None
        if found is None:
            raise Problem(404, "Nothing known for this number", "no parcel, order or alias matches it")
        return jsonify({**found, "dead_letters": _dead_letters_for(service, found["keys"])})

    @bp.get("/api/alerts")
    def api_alerts():
        context = _alerts_page(service)
        return jsonify(rules=[r.__dict__ for r in context["rules"]], states=[s.__dict__ for s in context["states"]],
                       log=context["log"], webhook_configured=context["webhook"])

    @bp.get("/api/audit")
    @needs(Permission.VIEW_AUDIT)
    def api_audit():
        return jsonify(entries=service.audit().recent(300, query_text("action", 60) or None))

    return bp


REGION_TEMPLATES = {
    "overview": ("overview_alerts", "overview_tiles", "overview_flow", "overview_funnel"),
    "topics": ("topics_table",),
    "groups": ("groups_table",),
    "group": ("group_detail",),
    "dlq": ("dlq_table",),
    "pipeline": ("pipeline_panels",),
    "alerts": ("alerts_panels",),
}


def _regions(service: ConsoleService) -> dict[str, Callable[[dict[str, str]], dict[str, Any]]]:
    """Per live page: the context its regions render from (the page and its stream share it)."""

    def group(args: dict[str, str]) -> dict[str, Any]:
        with service.reader() as reader:
            found = handlers.groups.group_view(service.inspector(), service.history(), reader, service.record_times,
                                           args["group"], service.options.burrow_window)
        return {"group": found}

    return {
        "overview": lambda _args: _overview(service),
        "topics": lambda _args: {"topics": handlers.topics.topics_view(service.inspector(), service.history())},
        "groups": lambda _args: {"groups": handlers.groups.groups_view(service.inspector(), service.history(),
                                                                   service.options.burrow_window)},
        "group": group,
        "dlq": lambda _args: {"dlqs": _dlq_overview(service)},
        "pipeline": lambda _args: {"p": handlers.pipeline.current(service.model(), service.history(), service.now(),
                                                               service.options.stage_limits)},
        "alerts": lambda _args: _alerts_page(service),
    }


def _install_hooks(bp: Blueprint, service: ConsoleService) -> None:
    @bp.record_once
    def _filters(state) -> None:
        state.app.jinja_env.filters.update(FILTERS)
        state.app.jinja_env.globals["csrf_field"] = CSRF_FIELD

    @bp.before_request
    def _authenticate():
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        session = handlers.operators.session_for(service.accounts(), request.cookies.get("pb_console_session"),
                                                 service.now())
        if session is None:
            if _wants_json():
                raise Problem(401, "Unauthorized", "log in to the console first")
            return redirect(url_for("console.login_form", next=request.full_path.rstrip("?")), 303)
        g.session = session
        if csrf.needs_check(request.method):
            check_csrf(session)
        return None

    @bp.after_request
    def _headers(response: Response) -> Response:
        return security_headers(response)


def _install_errors(bp: Blueprint, service: ConsoleService) -> None:
    @bp.errorhandler(Forbidden)
    def _forbidden(exc: Forbidden):
        who = g.session.operator if g.get("session") else "(anonymous)"
        service.audit().record(service.now(), who, f"refused.{exc.permission.value}", request.path, "refused",
                               {"role": exc.role.value, "method": request.method})
        return _error(Problem(403, "Forbidden", str(exc)))

    @bp.errorhandler(csrf.CsrfRejected)
    def _csrf(exc: csrf.CsrfRejected):
        who = g.session.operator if g.get("session") else "(anonymous)"
        service.audit().record(service.now(), who, "refused.csrf", request.path, "refused", {"error": str(exc)})
        return _error(Problem(403, "CSRF check failed", f"{exc}; reload the page and try again"))

    @bp.errorhandler(Problem)
    def _problem(problem: Problem):
        return _error(problem)


def _error(problem: Problem):
    if _wants_json():
        return problem_response(problem)
    return Response(render_template("error.html", problem=problem), status=problem.status)


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/stream/")) or request.accept_mimetypes.best == "application/json"


def _safe_next(value: str | None) -> str | None:
    """Only a path on this console (never `//host` or a scheme) is followed after login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _unmasked(service: ConsoleService, what: str) -> bool:
    """`?unmask=1` shows personal data in clear: admins only, and every time audited; `0` or nothing masks."""
    wanted = query_text("unmask", 1)
    if wanted not in (None, "0", "1"):
        raise validation_problem([{"field": "unmask", "message": "give 1 to unmask, 0 or nothing to mask"}],
                                 status=400)
    if wanted != "1":
        return False
    if not allowed(g.session.role, Permission.UNMASK):
        raise Forbidden(g.session.role, Permission.UNMASK)
    service.audit().record(service.now(), g.session.operator, "unmask", what, "ok")
    return True


def _dead_letters_for(service: ConsoleService, keys: list[str]) -> list[dict[str, Any]]:
    with service.reader() as reader:
        return handlers.dead_letters.for_keys(reader, service.replays(), service.inspector(), keys)


def _dlq_overview(service: ConsoleService) -> list[dict[str, Any]]:
    with service.reader() as reader:
        return handlers.dead_letters.overview(reader, service.replays(), service.inspector(), service.now())


def _dlq_records(service: ConsoleService, topic: str, unmasked: bool) -> dict[str, Any]:
    with service.reader() as reader:
        return handlers.dead_letters.records(reader, service.replays(), topic, unmasked, service.now())


def _overview(service: ConsoleService) -> dict[str, Any]:
    return handlers.pipeline.overview(service.model(), service.history(), service.now(),
                                      service.options.stage_limits)


def _alerts_page(service: ConsoleService) -> dict[str, Any]:
    o = service.options
    return handlers.alerts.alerts_page(service.history(), o.rules, bool(o.webhook_url), o.alert_repeat)


def _event_stream(events: Iterator[str]) -> Response:
    response = Response(stream_with_context(events), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
