"""RFC 9457 problem details: every error a client sees has this shape."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from a route (or anything it calls) to answer with a problem+json response."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: list[dict[str, str]] | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.type = type_
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body["instance"] = request.path if request else None
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_response(problem: Problem) -> Response:
    response = Response(json.dumps(problem.body()), status=problem.status, mimetype=PROBLEM_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def validation_problem(errors: list[dict[str, str]], status: int = 422) -> Problem:
    """A 422 listing every field at fault as {field, message}."""
    return Problem(
        status,
        "Request validation failed",
        f"{len(errors)} field(s) are invalid",
        errors=errors,
        type_="https://parcelbridge.dev/problems/validation",
    )
