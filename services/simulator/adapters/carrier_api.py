"""The simulated carriers' query APIs over HTTP: UPS OAuth + Track API v1, and SF's open-platform service URL.

Served from a thread of the simulator process (`--carrier-port`), answering from the CarrierBook the runner
fills. `outage`, when set, makes both carriers answer 503 with a Retry-After, as a carrier in trouble does.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request

from services.simulator.carriers import queries, sf
from services.simulator.domain.carrier_book import CarrierBook

SF_SERVICE_PATH = "/std/service"
UPS_TOKEN_PATH = "/security/v1/oauth/token"
OUTAGE_RETRY_AFTER_S = "1"


def carrier_app(book: CarrierBook, sf_check_word: str, ups_client: tuple[str, str] | None = None,
                outage: threading.Event | None = None,
                now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Flask:
    """`ups_client`: the (client id, secret) UPS's token endpoint accepts; None accepts any Basic credentials."""
    app = Flask("carrier-simulator")
    tokens: set[str] = set()

    @app.before_request
    def _outage():
        if outage is not None and outage.is_set():
            return _answer({"error": "service unavailable"}, 503, {"Retry-After": OUTAGE_RETRY_AFTER_S})
        return None

    @app.post(UPS_TOKEN_PATH)
    def ups_token():
        auth = request.authorization
        wrong = auth is None or (ups_client is not None and (auth.username, auth.password) != ups_client)
        if request.form.get("grant_type") != "client_credentials" or wrong:
            return _answer(queries.ups_error("250003", "Invalid Access License number"), 401)
        token = secrets.token_urlsafe(24)
        tokens.add(token)
        return _answer(queries.ups_token(token))

    @app.get("/api/track/v1/details/<number>")
    def ups_track(number: str):
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in tokens:
            return _answer(queries.ups_error("250002", "Invalid Authentication Information."), 401)
        return _answer(queries.ups_track_answer(number, book.known(number, now())))

    @app.post(SF_SERVICE_PATH)
    def sf_service():
        form = request.form
        if form.get("serviceCode") != "EXP_RECE_SEARCH_ROUTES":
            return _answer(queries.sf_gateway_refusal("A1004", "service not authorised for this partner"))
        digest = sf.msg_digest(form.get("msgData", ""), form.get("timestamp", ""), sf_check_word)
        if not hmac.compare_digest(digest.encode(), form.get("msgDigest", "").encode()):
            return _answer(queries.sf_gateway_refusal("A1006", "msgDigest does not match"))
        numbers = _numbers(form.get("msgData", ""))
        known = {n: [item for _at, item in book.known(n, now())] for n in numbers}
        return _answer(queries.sf_route_answer(numbers, known))

    return app


def _numbers(msg_data: str) -> list[str]:
    """SF takes `trackingNumber` as a list or as one comma-separated string."""
    try:
        value = json.loads(msg_data).get("trackingNumber", [])
    except (ValueError, AttributeError):
        return []
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(n).strip() for n in items if str(n).strip()]


def _answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response
