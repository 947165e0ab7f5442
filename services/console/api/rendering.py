"""How a console route answers: a page in the console's layout, an error as a page or as problem+json, a stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, g, render_template, request, stream_with_context

from services.console.domain.roles import Permission, allowed
from shared.http.problems import Problem, problem_response


def page(name: str, template: str, **context: Any) -> str:
    """A page for the logged-in operator: its session, CSRF token and what its role may do go to the template."""
    return render_template(template, page=name, session=g.session, csrf_token=g.session.csrf_token,
                           can=lambda p: allowed(g.session.role, Permission(p)), **context)


def error(problem: Problem) -> Response:
    if wants_json():
        return problem_response(problem)
    return Response(render_template("error.html", problem=problem), status=problem.status)


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/stream/")) or request.accept_mimetypes.best == "application/json"


def event_stream(events: Iterator[str]) -> Response:
    """Server-sent events; stream_with_context keeps the request's context (and its session) while they run."""
    response = Response(stream_with_context(events), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
