"""Reading a JSON request body safely: content type, size, syntax, operator keys, then the model."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from shared.http.problems import Problem, validation_problem

M = TypeVar("M", bound=BaseModel)
MAX_DEPTH = 12


def json_body() -> Any:
    """The parsed JSON body; 415 for another content type, 400 for bad JSON, 422 for `$`/`.` keys."""
    if not request.is_json:
        raise Problem(415, "Unsupported media type", "send the body as application/json")
    payload = request.get_json(silent=True)
    if payload is None:
        raise Problem(400, "Malformed JSON", "the request body is not valid JSON")
    bad = list(operator_keys(payload))
    if bad:
        raise validation_problem(
            [{"field": path, "message": "keys starting with '$' or containing '.' are not allowed"} for path in bad]
        )
    return payload


def parse_body(model: type[M]) -> M:
    """The body validated against `model`; 422 with every field at fault."""
    payload = json_body()
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise validation_problem(field_errors(exc)) from exc


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """pydantic's errors as {field, message}, the field a dotted path (`parcels.0.weight_kg`)."""
    return [
        {"field": ".".join(str(part) for part in error["loc"]) or "(body)", "message": error["msg"]}
        for error in exc.errors()
    ]


def operator_keys(value: Any, path: str = "", depth: int = 0) -> list[str]:
    """Paths of every object key that MongoDB could read as an operator or a dotted path."""
    if depth > MAX_DEPTH:
        return [path or "(body)"]
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if str(key).startswith("$") or "." in str(key):
                found.append(here)
            found.extend(operator_keys(item, here, depth + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(operator_keys(item, f"{path}.{index}" if path else str(index), depth + 1))
    return found


def query_text(name: str, max_length: int = 200) -> str | None:
    """A query-string value as plain text: repeated or `$`-prefixed values are refused."""
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise validation_problem([{"field": name, "message": "give this parameter once"}], status=400)
    value = values[0]
    if value.startswith("$") or len(value) > max_length:
        raise validation_problem([{"field": name, "message": "invalid value"}], status=400)
    return value
