"""OpenAPI 3.1 documents built from what a service declares (shared.http.operations) and from its pydantic views.

`build_document` is the one builder; the smaller functions below are the parts it is made of.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.http.operations import Api, Operation, Refusal, Reply, Schema
from shared.http.views import ProblemView

REF = "#/components/schemas/{model}"
ModelRefs = dict[type[BaseModel], dict[str, str]]


OPENAPI_VERSION = "3.1.0"


def build_document(api: Api) -> dict[str, Any]:
    """The whole document of `api`: paths, webhooks, and the schemas of every model they name."""
    refs, schemas = component_schemas(_request_models(api), _response_models(api))
    paths: dict[str, Any] = {}
    for operation in api.operations:
        paths.setdefault(operation.path, {})[operation.method] = _operation(operation, refs)
    if api.operational:
        paths.update(operational_paths())
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": api.title, "version": api.version, "description": api.description},
    }
    if api.server is not None:
        document["servers"] = [{"url": api.server}]
    if api.security is not None:
        document["security"] = [dict(requirement) for requirement in api.security]
    document["paths"] = paths
    if api.webhooks:
        document["webhooks"] = {hook.path: {hook.method: _operation(hook, refs)} for hook in api.webhooks}
    document["components"] = {"schemas": schemas, "securitySchemes": dict(api.security_schemes)}
    return document


def query_parameters(model: type[BaseModel]) -> list[Schema]:
    """One optional-or-required query parameter per field of `model`, in field order.

    A field that may be None is simply optional in a query string (it is absent, never null), so its schema
    is the non-null one; titles are dropped (the name says it) and the description moves to the parameter.
    """
    schema = model.model_json_schema(mode="validation")
    definitions = schema.get("$defs", {})
    parameters = []
    for name, field in model.model_fields.items():
        prop = _inline(_without_null(dict(schema["properties"][name])), definitions)
        prop.pop("title", None)
        description = prop.pop("description", None)
        parameter: Schema = {"name": name, "in": "query", "required": field.is_required()}
        if description is not None:
            parameter["description"] = description
        parameters.append({**parameter, "schema": prop})
    return parameters


def _without_null(prop: Schema) -> Schema:
    options = prop.pop("anyOf", None)
    if options is None:
        return prop
    kept = [option for option in options if option != {"type": "null"}]
    if prop.get("default", ...) is None:
        del prop["default"]
    return {**kept[0], **prop} if len(kept) == 1 else {**prop, "anyOf": kept}


def _inline(prop: Schema, definitions: dict[str, Schema]) -> Schema:
    # A parameter's schema stands alone: a model-local `$ref` (an enum class) is copied in.
    ref = prop.pop("$ref", None)
    if ref is None:
        return prop
    return {**definitions[ref.rsplit("/", 1)[-1]], **prop}


def _operations(api: Api) -> list[Operation]:
    return [*api.operations, *api.webhooks]


def _request_models(api: Api) -> list[type[BaseModel]]:
    # The bodies we receive are documented as validated; the ones we send to webhooks as serialized.
    return list(dict.fromkeys(op.body.model for op in api.operations if op.body is not None))


def _response_models(api: Api) -> list[type[BaseModel]]:
    replies = [reply for op in _operations(api) for reply in op.responses.values()]
    models = [reply.model for reply in replies if isinstance(reply, Reply) and reply.model is not None]
    models += [hook.body.model for hook in api.webhooks if hook.body is not None]
    if any(isinstance(reply, Refusal) for reply in replies):
        models.append(ProblemView)
    return list(dict.fromkeys(models))


def _operation(operation: Operation, refs: ModelRefs) -> dict[str, Any]:
    built: dict[str, Any] = {"summary": operation.summary}
    if operation.description is not None:
        built["description"] = operation.description
    if operation.operation_id is not None:
        built["operationId"] = operation.operation_id
    if operation.security is not None:
        built["security"] = [dict(requirement) for requirement in operation.security]
    parameters = [*operation.parameters, *(query_parameters(operation.query) if operation.query else [])]
    if parameters:
        built["parameters"] = parameters
    if operation.body is not None:
        body = operation.body
        built["requestBody"] = request_body(refs[body.model], dict(body.example), body.required)
    built["responses"] = {status: _response(reply, refs) for status, reply in operation.responses.items()}
    return built


def _response(reply: Reply | Refusal, refs: ModelRefs) -> dict[str, Any]:
    if isinstance(reply, Refusal):
        return problem_response(reply.description, reply.retry_after)
    response: dict[str, Any] = {"description": reply.description}
    schema = refs[reply.model] if reply.model is not None else reply.schema
    if schema is not None:
        response["content"] = {reply.media_type: {"schema": schema}}
    if reply.headers:
        response["headers"] = dict(reply.headers)
    return response


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
        "/openapi.json": _public("getOpenApi", "This document", "application/json", {"type": "object"}),
        "/docs": _public("getDocs", "This document as a web page", "text/html", {"type": "string"}),
        "/healthz": _public("getHealth", "Liveness", "application/json", _object("status", "service")),
        "/readyz": {"get": {
            "summary": "Readiness: Kafka and the store answer",
            "operationId": "getReadiness",
            "security": [],
            "responses": {
                "200": {"description": "Ready", "content": {"application/json": {"schema": _readiness()}}},
                "503": {"description": "Not ready", "content": {"application/json": {"schema": _readiness()}}},
            },
        }},
        "/metrics": _public("getMetrics", "Prometheus metrics", "text/plain", {"type": "string"}),
    }


def _public(operation_id: str, summary: str, media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "operationId": operation_id, "security": [], "responses": {
        "200": {"description": summary, "content": {media_type: {"schema": schema}}},
    }}}


def _object(*required: str) -> dict[str, Any]:
    return {"type": "object", "required": list(required)}


def _readiness() -> dict[str, Any]:
    return {**_object("status", "checks"), "properties": {
        "status": {"type": "string", "enum": ["ready", "unavailable"]},
        "checks": {"type": "object", "additionalProperties": {"type": "boolean"}},
    }}
