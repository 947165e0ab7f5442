"""What a service declares about its HTTP operations, naming its wire models; shared.http.openapi builds the document.

A service lists its operations as data beside its views: the models give every schema (request bodies as
validated, answers as serialized) and the query parameters; the declaration adds only what models cannot say
(summaries, examples, status codes and their meaning).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

Schema = dict[str, Any]
SecurityRequirement = dict[str, list[str]]


@dataclass(frozen=True)
class Body:
    """A JSON request body, its schema from `model`; `example` must validate against it."""

    model: type[BaseModel]
    example: Mapping[str, Any]
    required: bool = True


@dataclass(frozen=True)
class Reply:
    """A documented answer: JSON from `model`, or any media type with a raw `schema`, or no body at all."""

    description: str
    model: type[BaseModel] | None = None
    schema: Schema | None = None
    media_type: str = "application/json"
    headers: Mapping[str, Schema] = field(default_factory=dict)  # name -> OpenAPI header object


@dataclass(frozen=True)
class Refusal:
    """An RFC 9457 problem+json answer (schema: shared.http.views.ProblemView)."""

    description: str
    retry_after: bool = False


@dataclass(frozen=True)
class Operation:
    """One method on one path (or one outgoing webhook call); `query` lists its query string's parameters."""

    method: str
    path: str
    summary: str
    responses: Mapping[str, Reply | Refusal]
    description: str | None = None
    operation_id: str | None = None
    parameters: Sequence[Schema] = ()  # path and header parameters, in order, before the query's
    query: type[BaseModel] | None = None
    body: Body | None = None
    security: Sequence[SecurityRequirement] | None = None  # None: the document's default


@dataclass(frozen=True)
class Api:
    """A whole API: its operations, the calls it makes to subscribers (`webhooks`) and how callers authenticate."""

    title: str
    version: str
    description: str
    operations: Sequence[Operation]
    security_schemes: Mapping[str, Schema]
    security: Sequence[SecurityRequirement] | None = None  # None: no default; each operation says its own
    server: str | None = None
    webhooks: Sequence[Operation] = ()  # `path` is the webhook's name
    operational: bool = True  # add /openapi.json, /docs, /healthz, /readyz and /metrics (shared.http.app)


def path_parameter(name: str, schema: Schema, description: str | None = None) -> Schema:
    """A required path parameter."""
    return _parameter(name, "path", True, schema, description)


def header_parameter(name: str, schema: Schema, description: str | None = None, required: bool = False) -> Schema:
    return _parameter(name, "header", required, schema, description)


def pattern_schema(pattern: str) -> Schema:
    """A string matching `pattern` (an id's form, as the route checks it)."""
    return {"type": "string", "pattern": pattern}


def _parameter(name: str, where: str, required: bool, schema: Schema, description: str | None) -> Schema:
    parameter: Schema = {"name": name, "in": where, "required": required}
    if description is not None:
        parameter["description"] = description
    return {**parameter, "schema": schema}
