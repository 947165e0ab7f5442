from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.http.openapi import build_document, query_parameters
from shared.http.operations import Api, Body, Operation, Refusal, Reply, header_parameter, path_parameter


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Search(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, description="What to look for")
    limit: int = Field(default=10, ge=1, le=50)
    colour: Colour | None = None
    kind: Literal["a", "b"] | None = Field(default=None, description="Only this kind")


class NewThing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    price: Decimal


class Thing(BaseModel):
    id: str
    price: Decimal


class Event(BaseModel):
    thing_id: str


def _api(**changes) -> Api:
    create = Operation(
        "post", "/v1/things", "Make a thing", operation_id="makeThing",
        body=Body(NewThing, {"name": "x", "price": "1.5"}),
        responses={"201": Reply("Made", Thing, headers={"Location": {"schema": {"type": "string"}}}),
                   "409": Refusal("Taken", retry_after=True)},
    )
    search = Operation("get", "/v1/things", "Find things", query=Search,
                       responses={"200": Reply("Found", schema={"type": "array"})})
    label = Operation("get", "/v1/things/{thing_id}/label", "A label", security=[],
                      parameters=[path_parameter("thing_id", {"type": "string"})],
                      responses={"200": Reply("PDF", schema={"type": "string"}, media_type="application/pdf"),
                                 "304": Reply("Unchanged")})
    made = Operation("post", "thing.made", "A thing was made", body=Body(Event, {"thing_id": "t1"}),
                     parameters=[header_parameter("Signature", {"type": "string"}, required=True)],
                     responses={"2XX": Reply("Received")})
    fields = {"title": "things", "version": "2.0.0", "description": "Things.", "operations": (create, search, label),
              "security_schemes": {"key": {"type": "http", "scheme": "bearer"}}, "security": [{"key": []}],
              "server": "http://127.0.0.1:9", "webhooks": (made,)}
    return Api(**(fields | changes))


def _resolve(document: dict, schema: dict) -> dict:
    return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]


def test_every_declared_operation_is_a_path_and_method_beside_the_operational_routes():
    document = build_document(_api())
    operations = {(path, method) for path, methods in document["paths"].items() for method in methods}
    assert {("/v1/things", "post"), ("/v1/things", "get"), ("/v1/things/{thing_id}/label", "get")} < operations
    assert {"/openapi.json", "/docs", "/healthz", "/readyz", "/metrics"} <= set(document["paths"])
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": "http://127.0.0.1:9"}]


def test_a_document_without_operational_routes_lists_only_the_declared_ones():
    document = build_document(_api(operational=False, server=None, security=None))
    assert set(document["paths"]) == {"/v1/things", "/v1/things/{thing_id}/label"}
    assert "servers" not in document and "security" not in document


def test_request_bodies_are_schemas_as_validated_and_answers_as_serialized():
    document = build_document(_api())
    body = document["paths"]["/v1/things"]["post"]["requestBody"]
    accepted = _resolve(document, body["content"]["application/json"]["schema"])
    answered = _resolve(document, document["paths"]["/v1/things"]["post"]["responses"]["201"]["content"][
        "application/json"]["schema"])
    # pydantic accepts a Decimal as a number or a string, and writes it as a string.
    assert {"type": "number"} in accepted["properties"]["price"]["anyOf"]
    assert answered["properties"]["price"]["type"] == "string"
    assert body["required"] is True and body["content"]["application/json"]["example"]["name"] == "x"


def test_a_refusal_is_problem_json_and_brings_the_problem_schema():
    document = build_document(_api())
    refusal = document["paths"]["/v1/things"]["post"]["responses"]["409"]
    schema = _resolve(document, refusal["content"]["application/problem+json"]["schema"])
    assert set(schema["required"]) == {"type", "title", "status"}
    assert "Retry-After" in refusal["headers"]


def test_a_document_with_no_refusal_has_no_problem_schema():
    only_search = Operation("get", "/v1/things", "Find", query=Search, responses={"200": Reply("Found", Thing)})
    document = build_document(_api(operations=(only_search,), webhooks=()))
    assert "ProblemView" not in document["components"]["schemas"] and "webhooks" not in document


def test_query_parameters_follow_the_model_and_are_never_null():
    parameters = {p["name"]: p for p in query_parameters(Search)}
    assert list(parameters) == ["q", "limit", "colour", "kind"]
    assert parameters["q"]["required"] is True and parameters["q"]["description"] == "What to look for"
    assert parameters["limit"] == {"name": "limit", "in": "query", "required": False,
                                   "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}}
    assert parameters["colour"]["schema"] == {"type": "string", "enum": ["red", "blue"]}  # the enum inlined
    assert parameters["kind"]["schema"] == {"type": "string", "enum": ["a", "b"]}
    assert all("anyOf" not in p["schema"] and "$ref" not in p["schema"] for p in parameters.values())


def test_responses_carry_their_media_type_or_no_body_at_all():
    label = build_document(_api())["paths"]["/v1/things/{thing_id}/label"]["get"]
    assert label["security"] == [] and label["parameters"][0]["required"] is True
    assert label["responses"]["200"]["content"] == {"application/pdf": {"schema": {"type": "string"}}}
    assert "content" not in label["responses"]["304"]


def test_outgoing_calls_are_webhooks_with_their_body_schema():
    document = build_document(_api())
    made = document["webhooks"]["thing.made"]["post"]
    assert made["parameters"][0] == {"name": "Signature", "in": "header", "required": True,
                                     "schema": {"type": "string"}}
    assert _resolve(document, made["requestBody"]["content"]["application/json"]["schema"])["required"] == [
        "thing_id"]
    assert "thing.made" not in document["paths"]


def test_the_operational_routes_are_open_and_each_has_its_own_operation_id():
    paths = build_document(_api())["paths"]
    operational = [paths[path]["get"] for path in ("/openapi.json", "/docs", "/healthz", "/readyz", "/metrics")]
    assert all(op["security"] == [] for op in operational)
    assert len({op["operationId"] for op in operational}) == len(operational)
