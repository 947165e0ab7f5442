"""The OpenAPI 3.1 document of the console's JSON API (the pages and their streams are for browsers only).

Every operation needs the session cookie set by `POST /login`; every POST also needs the session's CSRF token
in `X-CSRF-Token` (from `GET /api/me`). Bodies of the Kafka views are described by their top-level fields: they
mirror topics, groups and records as the broker reports them.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from services.console.views import DryRunBody, ParkBody, ReplayBody
from shared.http.openapi import component_schemas, json_content, operational_paths, problem_response, request_body
from shared.http.views import ProblemView

_REQUESTS = (DryRunBody, ReplayBody, ParkBody)


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())


@cache
def _document() -> dict[str, Any]:
    refs, schemas = component_schemas(_REQUESTS, [ProblemView])
    paths = {**_read_paths(), **_replay_paths(refs), **operational_paths()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "parcelbridge operator console API", "version": "1.0.0",
                 "description": "What the console's pages show, as JSON: topics, consumer groups, dead letters "
                                "and their replays, the parcel pipeline, alerts and the audit log."},
        "paths": paths,
        "security": [{"session": []}],
        "components": {"schemas": schemas, "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "pb_console_session",
                        "description": "Set by `POST /login` (form: name, password, csrf_token)."},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                     "description": "The session's CSRF token (`GET /api/me`); every POST needs it."},
        }},
    }


def _object(*required: str) -> dict[str, Any]:
    return {"type": "object", "required": list(required)}


def _get(summary: str, body: dict[str, Any], parameters: list[dict[str, Any]] | None = None,
         errors: dict[str, str] | None = None) -> dict[str, Any]:
    responses = {"200": {**json_content(body), "description": summary}, **_AUTH_ERRORS}
    responses |= {status: problem_response(text) for status, text in (errors or {}).items()}
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": responses}}


_AUTH_ERRORS = {"401": problem_response("No session: log in first")}
_BAD_QUERY = {"400": "A query parameter is malformed (each is named)"}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string", "maxLength": 200}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 249}}


_UNMASK = _query("unmask", "`1` shows personal data in clear (admins only; audited); `0` masks",
                 {"type": "string", "enum": ["0", "1"]})
_FILTERS = [
    _query("key", "A record key, or any parcel number (resolved to its shipment and order ids)"),
    _query("type", "The CloudEvents type"),
    _query("header", "A header name, or `name=value`"),
    _query("q", "Text anywhere in the record"),
]
_BROWSE = [
    _query("partition", "Only this partition", {"type": "integer", "minimum": 0, "maximum": 100_000}),
    _query("offset", "The newest offset shown (needs `partition`)", {"type": "integer", "minimum": 0}),
    _query("before", "Records before this offset (with `partition`)", {"type": "integer", "minimum": 0}),
    _query("timestamp", "Records up to this time: ISO 8601 or epoch milliseconds, 1970 up to 2100"),
    _query("limit", "At most this many records", {"type": "integer", "minimum": 1, "maximum": 200}),
]


def _read_paths() -> dict[str, Any]:
    return {
        "/api/me": _get("The logged-in operator, role, CSRF token and permissions",
                        _object("operator", "role", "csrf_token", "permissions")),
        "/api/overview": _get("Health tiles, the parcel flow and open alerts", {"type": "object"}),
        "/api/topics": _get("Every topic with partitions, end offsets and rates", _object("topics")),
        "/api/topics/{name}/messages": _get(
            "One bounded page of a topic's records, newest first",
            _object("records", "scanned", "truncated", "next", "bounds"),
            [_path("name", "The topic"), *_BROWSE, *_FILTERS, _UNMASK],
            {**_BAD_QUERY, "403": "Unmasking needs an admin", "404": "No such topic"}),
        "/api/topics/{name}/tail": {"get": {
            "summary": "New records of a topic as server-sent events, for up to 5 minutes",
            "parameters": [_path("name", "The topic"), *_FILTERS, _UNMASK],
            "responses": {"200": {"description": "`record` events",
                                  "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                          **_AUTH_ERRORS, "403": problem_response("Unmasking needs an admin"),
                          "429": problem_response("Too many live tails in this process", retry_after=True)},
        }},
        "/api/groups": _get("Every consumer group with its members, lag and status", _object("groups")),
        "/api/groups/{group}": _get("One consumer group, partition by partition", {"type": "object"},
                                    [_path("group", "The group id")], {"404": "No such group"}),
        "/api/dlq": _get("Every dead-letter topic with its counts", _object("topics")),
        "/api/dlq/{topic}/records": _get("The records of a dead-letter topic with their replay state",
                                         {"type": "object"}, [_path("topic", "A `.dlq` topic"), _UNMASK],
                                         {**_BAD_QUERY, "403": "Unmasking needs an admin",
                                          "404": "Not a dead-letter topic"}),
        "/api/pipeline": _get("Parcels per stage, the oldest in each, and those stuck", {"type": "object"}),
        "/api/trace": _get("Everything known about one parcel number, with its dead letters", _object("keys"),
                           [_query("number", "An order id, shipment id, SF waybill or UPS number",
                                   {"type": "string", "maxLength": 100})],
                           {**_BAD_QUERY, "404": "Nothing known for this number"}),
        "/api/alerts": _get("Alert rules, their states and the recent log",
                            _object("rules", "states", "log", "webhook_configured")),
        "/api/audit": _get("The newest 300 audit entries", _object("entries"),
                           [_query("action", "Only this action", {"type": "string", "maxLength": 60})],
                           {**_BAD_QUERY, "403": "Needs the audit permission"}),
    }


def _post(summary: str, body_ref: dict[str, str], example: dict[str, Any], parameters: list[dict[str, Any]],
          errors: dict[str, str]) -> dict[str, Any]:
    responses = {"200": {**json_content({"type": "object"}), "description": summary}, **_AUTH_ERRORS,
                 "400": problem_response("The body is not JSON, or nests too deeply"),
                 "403": problem_response("Missing CSRF token, or the role lacks the permission"),
                 "413": problem_response("Body too large"),
                 "415": problem_response("Not application/json"),
                 "422": problem_response("A field is invalid (each is named)")}
    responses |= {status: problem_response(text) for status, text in errors.items()}
    return {"post": {"summary": summary, "parameters": parameters, "security": [{"session": [], "csrf": []}],
                     "requestBody": request_body(body_ref, example, required=True), "responses": responses}}


def _replay_paths(refs: dict[Any, dict[str, str]]) -> dict[str, Any]:
    topic = [_path("topic", "A `.dlq` topic")]
    return {
        "/api/dlq/{topic}/dry-run": _post("Plan a replay: which records would go back to which topic, and why not",
                                          refs[DryRunBody], {"record_ids": ["orders.v1.dlq:0:12"]}, topic,
                                          {"404": "Not a dead-letter topic"}),
        "/api/dlq/replay": _post("Replay a planned selection into its source topics", refs[ReplayBody],
                                 {"plan_id": "0123456789abcdef"}, [], {"409": "The plan is unknown, used or stale"}),
        "/api/dlq/{topic}/park": _post("Park dead letters: seen, decided, not to be replayed", refs[ParkBody],
                                       {"record_ids": ["orders.v1.dlq:0:12"], "reason": "duplicate of a replay"},
                                       topic, {"404": "Not a dead-letter topic"}),
    }
