"""The `Idempotency-Key` request header: what a usable key looks like, and reading it from a request."""

from __future__ import annotations

from typing import Any

from flask import request

from shared.http.operations import header_parameter
from shared.http.problems import Problem, validation_problem

HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 255


class InvalidIdempotencyKey(ValueError):
    """The Idempotency-Key header is empty, too long or not printable ASCII."""


def check_idempotency_key(key: str) -> str:
    """The key unchanged if usable; raises InvalidIdempotencyKey otherwise."""
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX or not all("!" <= ch <= "~" for ch in key):
        raise InvalidIdempotencyKey(f"use 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII characters without spaces")
    return key


def idempotency_key() -> str | None:
    """The request's validated `Idempotency-Key` header, if sent; 400 problem+json when malformed."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    try:
        return check_idempotency_key(key)
    except InvalidIdempotencyKey as exc:
        raise validation_problem([{"field": HEADER, "message": str(exc)}], status=400) from exc


def key_reused_problem(detail: str) -> Problem:
    """422 for a key already used with another body: `detail` names what it was used for."""
    return Problem(422, "Idempotency-Key reused with a different body", detail,
                   errors=[{"field": HEADER, "message": detail}],
                   type_="https://parcelbridge.dev/problems/idempotency-key-reused")


def idempotency_key_parameter(what: str) -> dict[str, Any]:
    """The header as an OpenAPI parameter; `what` says what one key stands for (e.g. one order per key)."""
    schema = {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": "^[!-~]+$"}
    return header_parameter(HEADER, schema, f"Makes retries safe: {what}.")


def created_headers(noun: str) -> dict[str, Any]:
    """The OpenAPI headers of a 201 an Idempotency-Key may replay: the new `noun`'s URL, and the replay flag."""
    return {
        "Location": {"description": f"The {noun}'s URL", "schema": {"type": "string"}},
        "Idempotent-Replayed": {"description": f"`true` when an earlier {noun} was returned",
                                "schema": {"type": "string", "enum": ["true"]}},
    }
