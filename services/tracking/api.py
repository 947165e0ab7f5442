"""The tracking HTTP API: carrier ingest endpoints and the public tracking API.

Routes parse the outside shape, call a handler, and translate errors: carrier endpoints answer in the
carrier's own shape, the public API in problem+json.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import ValidationError
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge

from services.tracking import handlers
from services.tracking.adapters.repository import AliasRepository, TrackerRepository
from services.tracking.adapters.view_cache import Rendered, ViewCache
from services.tracking.carriers.mapping import MalformedPayload
from services.tracking.carriers.plausibility import check_plausible
from services.tracking.carriers.refusals import Parsed
from services.tracking.carriers.sf import answers as sf_answers
from services.tracking.carriers.sf import auth as sf_auth
from services.tracking.carriers.sf import parse as sf_parse
from services.tracking.carriers.ups import answers as ups_answers
from services.tracking.carriers.ups import auth as ups_auth
from services.tracking.carriers.ups import parse as ups_parse
from services.tracking.domain import i18n
from services.tracking.domain.numbers import MalformedNumber, TrackingNumber, recognise
from services.tracking.metrics import INGEST_REFUSED
from services.tracking.openapi import openapi_document
from services.tracking.options import TrackingOptions
from services.tracking.views import MAX_BATCH, BatchItem, BatchRequest, tracking_view
from shared.failures import is_transient
from shared.http.body import field_errors, json_body
from shared.http.docs import add_document_routes
from shared.http.hygiene import Unacceptable, checked_json_text
from shared.http.problems import Problem, validation_problem
from shared.ratelimit import TokenBuckets

log = logging.getLogger(__name__)
POLL_SECONDS, SETTLED_SECONDS = 30, 3600  # Cache-Control max-age while moving, and once delivered/cancelled


class Stores(Protocol):
    """What the routes need, resolved per request so each process gets its own clients."""

    options: TrackingOptions
    limiter: TokenBuckets

    def trackers(self) -> TrackerRepository: ...

    def aliases(self) -> AliasRepository: ...

    def views(self) -> ViewCache: ...

    def deps(self) -> handlers.Deps: ...


class Refused(Exception):
    """A carrier request we do not accept; answered in the carrier's error shape."""

    def __init__(self, status: int, message: str, parsed: Parsed | None = None):
        super().__init__(message)
        self.status = status
        self.parsed = parsed


@dataclass(frozen=True)
class CarrierEdge:
    carrier: str
    authenticate: Callable[[bytes, Headers, TrackingOptions], None]  # raises Refused(401)
    parse: Callable[[Any], Parsed]
    accepted: Callable[[int, int, Parsed], dict[str, Any]]
    refused: Callable[..., dict[str, Any]]  # (status, message, parsed=None)


def _sf_authenticate(body: bytes, headers: Headers, options: TrackingOptions) -> None:
    try:
        sf_auth.verify(body.decode("utf-8", "replace"), headers.get(sf_auth.TIMESTAMP_HEADER),
                       headers.get(sf_auth.DIGEST_HEADER), options.sf_check_word, datetime.now(UTC),
                       options.sf_signature_max_age)
    except sf_auth.BadSignature as exc:
        raise Refused(401, str(exc)) from exc


def _ups_authenticate(_body: bytes, headers: Headers, options: TrackingOptions) -> None:
    try:
        ups_auth.verify(headers.get(ups_auth.CREDENTIAL_HEADER), options.ups_credential)
    except ups_auth.BadCredential as exc:
        raise Refused(401, str(exc)) from exc


SF = CarrierEdge("sf_express", _sf_authenticate, sf_parse.parse, sf_answers.accepted, sf_answers.refused)
UPS = CarrierEdge("ups", _ups_authenticate, ups_parse.parse, ups_answers.accepted, ups_answers.refused)


def tracking_blueprint(stores: Stores) -> Blueprint:
    api = Blueprint("tracking", __name__)

    @api.post("/v1/carriers/sf/route-push")
    def sf_route_push():
        return _ingest(SF, stores)

    @api.post("/v1/carriers/ups/track")
    def ups_track():
        return _ingest(UPS, stores)

    @api.get("/v1/tracking/<number>")
    def track(number: str):
        _rate_limit(stores)
        wanted = _recognised(number)
        language = _language()
        views, key = stores.views(), (wanted.value, language)
        rendered = views.get(key) or views.put(key, _rendered(stores, wanted, language))
        return _polling_response(rendered, language)

    @api.post("/v1/tracking/batch")
    def track_batch():
        _rate_limit(stores)
        body = _batch_request()
        language = _language()
        recognised = {raw: _try_recognise(raw) for raw in body.numbers}
        found = _trackers_for(stores, [n for n in recognised.values() if isinstance(n, TrackingNumber)])
        items = [_batch_item(raw, recognised[raw], found, language) for raw in body.numbers]
        response = jsonify({"results": [item.model_dump(mode="json", exclude_none=True) for item in items]})
        response.headers["Content-Language"] = language
        return response

    add_document_routes(api, openapi_document)

    return api


def _ingest(edge: CarrierEdge, stores: Stores) -> tuple[Response, int] | Response:
    options = stores.options
    request.max_content_length = options.carrier_max_body_bytes
    try:
        body = request.get_data(cache=False)
        edge.authenticate(body, request.headers, options)
        parsed = _usable(edge, _parsed(edge, body))
        if len(parsed.scans) > options.max_scans_per_request:
            raise Refused(413, f"{len(parsed.scans)} events in one request; send at most "
                               f"{options.max_scans_per_request}")
        result = handlers.ingest(parsed.scans, stores.deps(), g.request_id)
    except RequestEntityTooLarge:
        return _refusal(edge, 413, f"body larger than {options.carrier_max_body_bytes} bytes; send fewer events")
    except Refused as refused:
        return _refusal(edge, refused.status, str(refused), refused.parsed)
    except Exception as exc:  # a store or broker outage: tell the carrier to retry; a bug is still a 500
        if not is_transient(exc):
            raise
        response = _refusal(edge, 503, f"not recorded, retry later: {type(exc).__name__}")
        response.headers["Retry-After"] = "5"
        return response
    return jsonify(edge.accepted(result.recorded, result.parked, parsed))


def _usable(edge: CarrierEdge, parsed: Parsed) -> Parsed:
    """The parse, its refused items counted; raises Refused when the carrier's contract calls for a 4xx.

    A carrier resends only what a 4xx refused, and gives up after a few tries: so anything accepted makes
    the answer a 2xx (the good part is not resent), and only a payload with nothing usable is refused.
    """
    handlers.count_refused(edge.carrier, parsed.refusals)
    if parsed.errors:
        codes = ", ".join(f"{e.code} {e.message}".strip() for e in parsed.errors)
        raise Refused(422, f"the carrier answered with an error, nothing to record: {codes}"[:500], parsed)
    if not parsed.usable:
        first = parsed.refusals[0]
        raise Refused(400, f"all {len(parsed.refusals)} item(s) refused; first: {first.where}: {first.message}",
                      parsed)
    return parsed


def _parsed(edge: CarrierEdge, body: bytes) -> Parsed:
    try:
        return check_plausible(edge.parse(json.loads(checked_json_text(body))))
    except ValueError as exc:  # MalformedPayload, Unacceptable and JSONDecodeError are all ValueErrors
        detail = str(exc) if isinstance(exc, MalformedPayload | Unacceptable) else "the body is not valid JSON"
        raise Refused(400, detail) from exc


def _refusal(edge: CarrierEdge, status: int, message: str, parsed: Parsed | None = None) -> Response:
    # Counted and logged: a carrier whose pushes we refuse keeps retrying, then drops them, and only we can tell.
    INGEST_REFUSED.labels(edge.carrier, str(status)).inc()
    log.warning("carrier push refused", extra={"carrier": edge.carrier, "status": status, "reason": message[:300]})
    response = jsonify(edge.refused(status, message, parsed))
    response.status_code = status
    return response


def _rate_limit(stores: Stores) -> None:
    wait = stores.limiter.take(request.remote_addr or "unknown")
    if wait is not None:
        raise Problem(429, "Too many requests", f"slow down: try again in {wait} s",
                      headers={"Retry-After": str(wait)})


def _recognised(raw: str) -> TrackingNumber:
    try:
        return recognise(raw)
    except MalformedNumber as exc:
        raise Problem(400, "Malformed tracking number", str(exc), errors=[{"field": "number", "message": str(exc)}],
                      type_="https://parcelbridge.dev/problems/malformed-tracking-number") from exc


def _try_recognise(raw: str) -> TrackingNumber | MalformedNumber:
    try:
        return recognise(raw)
    except MalformedNumber as exc:
        return exc


def _language() -> i18n.Language:
    return i18n.choose_language(tag for tag, _quality in request.accept_languages)


def _rendered(stores: Stores, wanted: TrackingNumber, language: i18n.Language) -> Rendered:
    """The answer for one number, read from the store; 404 (never cached) until its shipment is booked."""
    tracker = _trackers_for(stores, [wanted]).get(wanted.value)
    if tracker is None:
        raise Problem(404, "Tracking number not found",
                      f"no parcel with number {wanted.value}; a new number appears once its shipment is booked")
    body = jsonify(tracking_view(tracker, wanted, language)).get_data()
    return Rendered(body, hashlib.sha256(body).hexdigest()[:32], tracker.state.terminal)


def _trackers_for(stores: Stores, numbers: list[TrackingNumber]) -> dict:
    """number -> tracker for the numbers that resolve: at most one alias query, then one tracker query.

    A shipment id is its tracker's `_id`, so it skips the alias read; cached aliases skip it too.
    """
    owners = {n.value: n.value for n in numbers if n.kind == "shipment_id"}
    owners |= stores.aliases().resolve([n.value for n in numbers if n.kind != "shipment_id"])
    trackers = stores.trackers().get_many(owners.values())
    return {number: trackers[owner] for number, owner in owners.items() if owner in trackers}


def _batch_request() -> BatchRequest:
    payload = json_body()
    numbers = payload.get("numbers") if isinstance(payload, dict) else None
    if isinstance(numbers, list) and len(numbers) > MAX_BATCH:
        raise Problem(413, "Too many numbers", f"{len(numbers)} numbers; ask for at most {MAX_BATCH} per request")
    try:
        return BatchRequest.model_validate(payload)
    except ValidationError as exc:
        raise validation_problem(field_errors(exc)) from exc


def _batch_item(raw: str, number: TrackingNumber | MalformedNumber, found: dict, language: i18n.Language) -> BatchItem:
    if isinstance(number, MalformedNumber):
        return BatchItem(number=raw, status=400, error=str(number))
    tracker = found.get(number.value)
    if tracker is None:
        return BatchItem(number=raw, status=404, error=f"no parcel with number {number.value}")
    return BatchItem(number=raw, status=200, tracking=tracking_view(tracker, number, language))


def _polling_response(rendered: Rendered, language: str) -> Response:
    """The body with its strong ETag; `If-None-Match` with that ETag answers 304 without a body."""
    response = current_app.response_class(rendered.body, mimetype=current_app.json.mimetype)
    response.set_etag(rendered.etag)
    response.headers["Cache-Control"] = f"public, max-age={SETTLED_SECONDS if rendered.settled else POLL_SECONDS}"
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = language
    return response.make_conditional(request)
