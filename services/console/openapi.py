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
from shared.http.openapi import build_document
from shared.http.operations import Api, Body, Operation, Refusal, Reply, Schema, path_parameter

_SESSION = [{"session": []}]
_AUTH_ERRORS = {"401": Refusal("No session: log in first")}
_BAD_QUERY = {"400": "A query parameter is malformed (each is named)"}


def _object(*required: str) -> Schema:
    return {"type": "object", "required": list(required)}


def _get(path: str, summary: str, body: Schema, parameters: list[Schema] | None = None,
         errors: dict[str, str] | None = None) -> Operation:
    refusals = {status: Refusal(text) for status, text in (errors or {}).items()}
    return Operation("get", path, summary, parameters=parameters or (),
                     responses={"200": Reply(summary, schema=body), **_AUTH_ERRORS, **refusals})


def _query(name: str, description: str, schema: Schema | None = None) -> Schema:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string", "maxLength": 200}}


def _path(name: str, description: str) -> Schema:
    return path_parameter(name, {"type": "string", "minLength": 1, "maxLength": 249}, description)


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
_TOPIC = _path("topic", "A `.dlq` topic")

READS = (
    _get("/api/me", "The logged-in operator, role, CSRF token and permissions",
         _object("operator", "role", "csrf_token", "permissions")),
    _get("/api/overview", "Health tiles, the parcel flow and open alerts", {"type": "object"}),
    _get("/api/topics", "Every topic with partitions, end offsets and rates", _object("topics")),
    _get("/api/topics/{name}/messages", "One bounded page of a topic's records, newest first",
         _object("records", "scanned", "truncated", "next", "bounds"),
         [_path("name", "The topic"), *_BROWSE, *_FILTERS, _UNMASK],
         {**_BAD_QUERY, "403": "Unmasking needs an admin", "404": "No such topic"}),
    Operation("get", "/api/topics/{name}/tail", "New records of a topic as server-sent events, for up to 5 minutes",
              parameters=[_path("name", "The topic"), *_FILTERS, _UNMASK],
              responses={"200": Reply("`record` events", schema={"type": "string"}, media_type="text/event-stream"),
                         **_AUTH_ERRORS, "403": Refusal("Unmasking needs an admin"),
                         "429": Refusal("Too many live tails in this process", retry_after=True)}),
    _get("/api/groups", "Every consumer group with its members, lag and status", _object("groups")),
    _get("/api/groups/{group}", "One consumer group, partition by partition", {"type": "object"},
         [_path("group", "The group id")], {"404": "No such group"}),
    _get("/api/dlq", "Every dead-letter topic with its counts", _object("topics")),
    _get("/api/dlq/{topic}/records", "The records of a dead-letter topic with their replay state",
         {"type": "object"}, [_TOPIC, _UNMASK],
         {**_BAD_QUERY, "403": "Unmasking needs an admin", "404": "Not a dead-letter topic"}),
    _get("/api/pipeline", "Parcels per stage, the oldest in each, and those stuck", {"type": "object"}),
    _get("/api/trace", "Everything known about one parcel number, with its dead letters", _object("keys"),
         [_query("number", "An order id, shipment id, SF waybill or UPS number", {"type": "string", "maxLength": 100})],
         {**_BAD_QUERY, "404": "Nothing known for this number"}),
    _get("/api/alerts", "Alert rules, their states and the recent log",
         _object("rules", "states", "log", "webhook_configured")),
    _get("/api/audit", "The newest 300 audit entries", _object("entries"),
         [_query("action", "Only this action", {"type": "string", "maxLength": 60})],
         {**_BAD_QUERY, "403": "Needs the audit permission"}),
)


def _post(path: str, summary: str, body: Body, parameters: list[Schema], errors: dict[str, str]) -> Operation:
    refusals = {status: Refusal(text) for status, text in errors.items()}
    return Operation("post", path, summary, parameters=parameters, security=[{"session": [], "csrf": []}], body=body,
                     responses={"200": Reply(summary, schema={"type": "object"}), **_AUTH_ERRORS,
                                "400": Refusal("The body is not JSON, or nests too deeply"),
                                "403": Refusal("Missing CSRF token, or the role lacks the permission"),
                                "413": Refusal("Body too large"),
                                "415": Refusal("Not application/json"),
                                "422": Refusal("A field is invalid (each is named)"), **refusals})


REPLAYS = (
    _post("/api/dlq/{topic}/dry-run", "Plan a replay: which records would go back to which topic, and why not",
          Body(DryRunBody, {"record_ids": ["orders.v1.dlq:0:12"]}), [_TOPIC], {"404": "Not a dead-letter topic"}),
    _post("/api/dlq/replay", "Replay a planned selection into its source topics",
          Body(ReplayBody, {"plan_id": "0123456789abcdef"}), [], {"409": "The plan is unknown, used or stale"}),
    _post("/api/dlq/{topic}/park", "Park dead letters: seen, decided, not to be replayed",
          Body(ParkBody, {"record_ids": ["orders.v1.dlq:0:12"], "reason": "duplicate of a replay"}), [_TOPIC],
          {"404": "Not a dead-letter topic"}),
)

CONSOLE_API = Api(
    title="parcelbridge operator console API",
    version="1.0.0",
    description="What the console's pages show, as JSON: topics, consumer groups, dead letters and their "
    "replays, the parcel pipeline, alerts and the audit log.",
    operations=(*READS, *REPLAYS),
    security=_SESSION,
    security_schemes={
        "session": {"type": "apiKey", "in": "cookie", "name": "pb_console_session",
                    "description": "Set by `POST /login` (form: name, password, csrf_token)."},
        "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                 "description": "The session's CSRF token (`GET /api/me`); every POST needs it."},
    },
)


@cache
def _document() -> dict[str, Any]:
    return build_document(CONSOLE_API)


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())
