from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from shared.http.app import create_app
from shared.http.body import operator_keys, parse_body
from shared.probes import BoundedReadiness


class Greeting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    times: int = Field(ge=1, le=3)


def _app(ready=True):
    api = Blueprint("greet", __name__)

    @api.post("/v1/greetings")
    def greet():
        body = parse_body(Greeting)
        return {"text": " ".join([f"hi {body.name}"] * body.times)}, 201

    return create_app("test", [api], readiness=BoundedReadiness({"store": lambda: ready}), max_body_bytes=2048)


def test_valid_body_reaches_the_route():
    response = _app().test_client().post("/v1/greetings", json={"name": "Li", "times": 2})
    assert response.status_code == 201
    assert response.json == {"text": "hi Li hi Li"}


def test_every_field_at_fault_is_listed():
    response = _app().test_client().post("/v1/greetings", json={"name": "", "times": 9, "extra": 1})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = sorted(error["field"] for error in response.json["errors"])
    assert fields == ["extra", "name", "times"]


def test_operator_keys_are_refused_before_validation():
    response = _app().test_client().post("/v1/greetings", json={"name": {"$gt": ""}, "times": 1})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "name.$gt"


def test_operator_keys_are_found_at_any_depth():
    assert operator_keys({"a": [{"b": {"$where": "1"}}], "c.d": 1}) == ["a.0.b.$where", "c.d"]


def test_wrong_content_type_is_415():
    response = _app().test_client().post("/v1/greetings", data="name=Li", content_type="text/plain")
    assert response.status_code == 415
    assert response.json["status"] == 415


def test_malformed_json_is_400():
    response = _app().test_client().post("/v1/greetings", data="{", content_type="application/json")
    assert response.status_code == 400


def test_oversized_body_is_413():
    response = _app().test_client().post("/v1/greetings", json={"name": "x" * 5000, "times": 1})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_unknown_route_and_method_are_problems():
    client = _app().test_client()
    assert client.get("/nope").json["status"] == 404
    response = client.get("/v1/greetings")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_request_id_is_echoed_or_made():
    client = _app().test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_readiness_reports_each_check():
    assert _app(ready=True).test_client().get("/readyz").status_code == 200
    response = _app(ready=False).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"store": False}


def test_metrics_are_prometheus_text():
    client = _app().test_client()
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert "parcelbridge_http_requests_total" in body
