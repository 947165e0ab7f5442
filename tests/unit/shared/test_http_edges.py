"""Answers produced outside the routes — nesting, encodings, routing, gunicorn's own errors — are problem+json."""

import json

from flask import Blueprint

from shared.http.app import create_app
from shared.http.body import json_body
from shared.http.gunicorn_errors import problem_bytes
from shared.probes import BoundedReadiness


def _client():
    api = Blueprint("echo", __name__)

    @api.post("/v1/echo")
    def echo():
        return {"got": json_body()}

    @api.get("/v1/things/")
    def things():
        return {"things": []}

    return create_app("test", [api], BoundedReadiness({}), max_body_bytes=64 * 1024).test_client()


def _post(raw: bytes, content_type: str = "application/json"):
    return _client().post("/v1/echo", data=raw, content_type=content_type)


def test_a_thousand_levels_of_nesting_is_400_naming_the_body():
    response = _post(b"[" * 1000 + b"]" * 1000)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == [{"field": "(body)", "message": "the body nests deeper than 12 levels"}]


def test_a_utf16_body_is_400():
    response = _post(json.dumps({"name": "Li"}).encode("utf-16"))
    assert response.status_code == 400
    assert "byte-order mark" in response.json["detail"]


def test_a_declared_charset_other_than_utf8_is_415():
    response = _post(b'{"name": "Li"}', "application/json; charset=latin-1")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"


def test_invalid_utf8_bytes_are_400():
    assert _post(b'{"name": "\xff\xfe"}').status_code == 400


def test_nul_in_a_text_field_is_422_naming_the_field():
    response = _post(json.dumps({"recipient": {"name": "Bob\u0000"}}).encode())
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["recipient.name"]


def test_nan_is_not_json():
    assert _post(b'{"weight": NaN}').status_code == 400


def test_plain_json_still_passes():
    assert _post(json.dumps({"name": "李雷"}).encode()).json == {"got": {"name": "李雷"}}


def test_doubled_slashes_are_a_problem_404_not_an_html_redirect():
    response = _client().post("//v1//echo", json={})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_missing_trailing_slash_matches_without_a_redirect():
    response = _client().get("/v1/things")
    assert response.status_code == 200
    assert response.json == {"things": []}


def test_gunicorn_errors_are_written_as_problems():
    raw = problem_bytes(400, "Bad Request", "line too long")
    head, body = raw.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Content-Type: application/problem+json" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body) == {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "line too long"}
