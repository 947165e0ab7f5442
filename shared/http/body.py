"""Reading a JSON request body safely: content type, size, syntax, operator keys, then the model."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from shared.http.hygiene import (
    MAX_NESTING,
    Unacceptable,
    checked_json_text,
    control_character_paths,
    has_control_character,
)
from shared.http.problems import Problem, validation_problem

M = TypeVar("M", bound=BaseModel)
MAX_DEPTH = MAX_NESTING


def json_body() -> Any:
    """The parsed JSON body; 415 for another type or charset, 400 for bad or too deep JSON, 422 for bad keys/text."""
    if not request.is_json or request.mimetype_params.get("charset", "utf-8").lower() != "utf-8":
        raise Problem(415, "Unsupported media type", "send the body as application/json in UTF-8")
    try:
        # Decoded and depth-checked by us first: Flask's loader would take UTF-16 and recurse without a bound.
        payload = json.loads(checked_json_text(request.get_data(cache=True)), parse_constant=_no_constant)
    except Unacceptable as exc:
        raise _body_problem(str(exc)) from exc
    except ValueError as exc:
        raise _body_problem("the request body is not valid JSON") from exc
    _refuse(operator_keys(payload), "keys starting with '$' or containing '.' are not allowed")
    _refuse(control_character_paths(payload), "control characters (NUL included) are not allowed")
    return payload


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python reads them, the store cannot hold them


def _body_problem(detail: str) -> Problem:
    return Problem(400, "Malformed JSON", detail, errors=[{"field": "(body)", "message": detail}])


def _refuse(paths: list[str], message: str) -> None:
    if paths:
        raise validation_problem([{"field": path, "message": message} for path in paths])


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
    if value.startswith("$") or len(value) > max_length or has_control_character(value):
        raise validation_problem([{"field": name, "message": "invalid value"}], status=400)
    return value


def parse_query(model: type[M]) -> tuple[M, list[dict[str, str]]]:
    """The query string validated by `model`, with its unknown parameters as field errors for the caller's own checks.

    A value `model` refuses is a 400 at once, listing it with every unknown parameter.
    """
    known = model.model_fields
    unknown = [{"field": name, "message": "unknown query parameter"} for name in sorted(set(request.args) - set(known))]
    values = {name: value for name in known if (value := query_text(name)) is not None}
    try:
        return model.model_validate(values), unknown
    except ValidationError as exc:
        raise validation_problem(unknown + field_errors(exc), status=400) from exc
