"""The parts of an OpenAPI 3.1 document that every service writes alike; schemas come from pydantic models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.http.views import ProblemView

REF = "#/components/schemas/{model}"
ModelRefs = dict[type[BaseModel], dict[str, str]]


def component_schemas(
    requests: Iterable[type[BaseModel]], responses: Iterable[type[BaseModel]]
) -> tuple[ModelRefs, dict[str, Any]]:
    """Each model's `$ref`, and the schemas they need: request models as validated, responses as serialized."""
    keyed = [(m, "validation") for m in requests] + [(m, "serialization") for m in responses]
    refs, top = models_json_schema(keyed, ref_template=REF)
    return {model: ref for (model, _mode), ref in refs.items()}, top["$defs"]


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """A response's `content` in JSON; the caller adds the description."""
    return {"content": {"application/json": {"schema": schema}}}


def problem_response(description: str, retry_after: bool = False) -> dict[str, Any]:
    """A problem+json response (its schema is ProblemView, which the document must list)."""
    schema = {"$ref": REF.format(model=ProblemView.__name__)}
    response: dict[str, Any] = {"description": description,
                                "content": {"application/problem+json": {"schema": schema}}}
    if retry_after:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
    return response


def request_body(schema: dict[str, Any], example: dict[str, Any], required: bool) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema, "example": example}}}


def operational_paths() -> dict[str, Any]:
    """The routes of shared.http.app and shared.http.docs, open to anyone."""
    return {
        "/openapi.json": _public("This document", "application/json", {"type": "object"}),
        "/docs": _public("This document as a web page", "text/html", {"type": "string"}),
        "/healthz": _public("Liveness", "application/json", _object("status", "service")),
        "/readyz": {"get": {
            "summary": "Readiness: Kafka and the store answer",
            "security": [],
            "responses": {
                "200": {"description": "Ready", "content": {"application/json": {"schema": _readiness()}}},
                "503": {"description": "Not ready", "content": {"application/json": {"schema": _readiness()}}},
            },
        }},
        "/metrics": _public("Prometheus metrics", "text/plain", {"type": "string"}),
    }


def _public(summary: str, media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "security": [], "responses": {
        "200": {"description": summary, "content": {media_type: {"schema": schema}}},
    }}}


def _object(*required: str) -> dict[str, Any]:
    return {"type": "object", "required": list(required)}


def _readiness() -> dict[str, Any]:
    return {**_object("status", "checks"), "properties": {
        "status": {"type": "string", "enum": ["ready", "unavailable"]},
        "checks": {"type": "object", "additionalProperties": {"type": "boolean"}},
    }}
