"""A store or broker outage seen by a web app: 503 problem+json with Retry-After, never a 500.

Kept apart from app.py's handlers (request hygiene lives there): this module only maps the failures of our
two dependencies. Flask picks the handler of the most specific class, so these win over the catch-all 500.
"""

from __future__ import annotations

import logging

from flask import Flask
from kafka.errors import KafkaError
from pymongo.errors import PyMongoError

from shared.errors import TransientError
from shared.failures import outage_of
from shared.http.problems import Problem, problem_response

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5  # about one retry backoff of the workers: long enough for a restarted broker to elect leaders
NAMES = {"kafka": "The event broker", "store": "The database"}


def outage_problem(dependency: str) -> Problem:
    """503 naming the dependency that is down, with Retry-After."""
    return Problem(503, "Service temporarily unavailable",
                   f"{NAMES.get(dependency, dependency)} is unreachable; try again shortly",
                   type_="https://parcelbridge.dev/problems/dependency-unavailable",
                   headers={"Retry-After": str(RETRY_AFTER_S)})


def install_outage_handlers(app: Flask) -> None:
    """Answer 503 for errors from pymongo or kafka-python (raised or wrapped) that report an outage."""

    @app.errorhandler(PyMongoError)
    @app.errorhandler(KafkaError)
    @app.errorhandler(TransientError)
    def _outage(exc: Exception):
        dependency = outage_of(exc)
        if dependency is None:  # a duplicate key, a version conflict, a broker refusal: a bug here, not an outage
            log.exception("unhandled error")
            return problem_response(Problem(500, "Internal server error",
                                            "the error was logged with this request's id"))
        log.warning("dependency unavailable", extra={"dependency": dependency, "error": repr(exc)[:300]})
        return problem_response(outage_problem(dependency))
