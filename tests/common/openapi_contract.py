"""What a client of an OpenAPI document relies on, extracted so two versions of a document can be compared.

A contract is: the (path, method, status) triples (outgoing webhooks as `webhook:<name>`), each operation's
parameters as (name, in, required), and the required fields of every object schema a request body or an
answer holds, found by walking it (references followed) and keyed by where it sits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Where = tuple[str, str, str, str]  # (operation, "request" or the status, media type, position in the body)


@dataclass(frozen=True)
class Contract:
    operations: set[tuple[str, str, str]]
    parameters: dict[tuple[str, str], set[tuple[str, str, bool]]]
    required: dict[Where, set[str]]


def contract(document: dict[str, Any]) -> Contract:
    operations: set[tuple[str, str, str]] = set()
    parameters: dict[tuple[str, str], set[tuple[str, str, bool]]] = {}
    required: dict[Where, set[str]] = {}
    for path, method, operation in _operations(document):
        operations |= {(path, method, status) for status in operation["responses"]}
        parameters[(path, method)] = {(p["name"], p["in"], p.get("required", False))
                                      for p in operation.get("parameters", [])}
        for part, media_type, schema in _bodies(operation):
            for position, fields in _required(document, schema, "$", frozenset()):
                where = (f"{method} {path}", part, media_type, position)
                required[where] = required.get(where, set()) | fields  # the options of a union, together
    return Contract(operations, parameters, required)


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        yield from ((path, method, operation) for method, operation in methods.items())
    for name, methods in document.get("webhooks", {}).items():
        yield from ((f"webhook:{name}", method, operation) for method, operation in methods.items())


def _bodies(operation: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        yield "request", media_type, media["schema"]
    for status, response in operation["responses"].items():
        for media_type, media in response.get("content", {}).items():
            yield status, media_type, media["schema"]


def _required(document: dict[str, Any], schema: dict[str, Any], position: str,
              seen: frozenset[str]) -> Iterator[tuple[str, set[str]]]:
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return
        name = ref.rsplit("/", 1)[-1]
        yield from _required(document, document["components"]["schemas"][name], position, seen | {ref})
        return
    if "required" in schema or "properties" in schema:
        yield position, set(schema.get("required", []))
    for name, child in schema.get("properties", {}).items():
        yield from _required(document, child, f"{position}.{name}", seen)
    if isinstance(schema.get("items"), dict):
        yield from _required(document, schema["items"], f"{position}[]", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _required(document, option, position, seen)
