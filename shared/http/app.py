"""The Flask app factory every service uses: errors as problem+json, health, readiness, metrics."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Flask, jsonify
from werkzeug.exceptions import HTTPException

from shared.http.observability import install_request_tracking, metrics_response
from shared.http.outages import install_outage_handlers
from shared.http.problems import Problem, problem_response
from shared.http.routing import match_without_redirects
from shared.probes import Readiness


def create_app(
    service: str,
    blueprints: Iterable[Blueprint],
    readiness: Readiness,
    max_body_bytes: int,
) -> Flask:
    """A Flask app for `service` with its blueprints, size limit and operational endpoints."""
    app = Flask(service, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.json.sort_keys = False
    match_without_redirects(app)
    install_request_tracking(app, service)
    _install_errors(app)
    install_outage_handlers(app)
    app.register_blueprint(_operations(service, readiness))
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app


def _install_errors(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        allowed = getattr(exc, "valid_methods", None)
        headers = {"Allow": ", ".join(allowed)} if allowed else {}
        title = exc.name if exc.code != 413 else "Request body too large"
        return problem_response(Problem(exc.code or 500, title, exc.description, headers=headers))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return problem_response(Problem(500, "Internal server error", "the error was logged with this request's id"))


def _operations(service: str, readiness: Readiness) -> Blueprint:
    ops = Blueprint("operations", __name__)

    @ops.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=service)

    @ops.get("/readyz")
    def readyz():
        checks = readiness()  # bounded in time and never raising (shared.probes.BoundedReadiness)
        ready = all(checks.values())
        return jsonify(status="ready" if ready else "unavailable", checks=checks), 200 if ready else 503

    @ops.get("/metrics")
    def metrics():
        return metrics_response()

    return ops
