"""Talking HTTP to a deployment: placing orders as a shipper, posting carrier payloads to the ingest API."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from services.simulator.carriers import malformed, sf, ups
from services.simulator.carriers.malformed import MalformedPush

RETRY_STATUSES = frozenset({429, 502, 503, 504})
ATTEMPTS = 3  # SF retries a failed push three times, then drops it; we do the same for both carriers
TIMEOUT = (3.05, 15)


class PlacementFailed(Exception):
    """The orders API refused the order or could not be reached."""


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int
    detail: str


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "parcelbridge-simulator/1"
    return session


class OrdersClient:
    def __init__(self, session: requests.Session, base_url: str, api_key: str):
        self.session, self.base_url, self.api_key = session, base_url.rstrip("/"), api_key

    def place(self, order: dict[str, Any]) -> str:
        """The new order's id; retried with the same Idempotency-Key. Raises PlacementFailed."""
        headers = {"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": f"sim-{uuid.uuid4().hex}"}
        response = _post(self.session, f"{self.base_url}/v1/orders", headers, json_body=order)
        if response is None:
            raise PlacementFailed(f"orders API at {self.base_url} unreachable")
        if response.status_code != 201:
            raise PlacementFailed(f"HTTP {response.status_code}: {response.text[:300]}")
        return response.json()["id"]


class IngestClient:
    def __init__(self, session: requests.Session, base_url: str, sf_check_word: str, ups_credential: str):
        self.session, self.base_url = session, base_url.rstrip("/")
        self.sf_check_word, self.ups_credential = sf_check_word, ups_credential

    def post_sf(self, payload: dict[str, Any]) -> Answer:
        """One route push, signed afresh on every attempt (the timestamp is part of the signature)."""
        body = sf.encode_body(payload)
        for attempt in range(ATTEMPTS):
            headers = sf.signed_headers(body, self.sf_check_word, datetime.now(UTC))
            response = _post(self.session, f"{self.base_url}/v1/carriers/sf/route-push", headers,
                             data=body.encode("utf-8"), attempts=1)
            answer = _sf_answer(response)
            if answer.ok or not _retryable(response):
                return answer
            time.sleep(0.5 * (attempt + 1))
        return answer

    def post_ups(self, payload: Any) -> Answer:
        response = _post(self.session, f"{self.base_url}/v1/carriers/ups/track",
                         ups.credential_headers(self.ups_credential), json_body=payload)
        if response is None:
            return Answer(False, 0, "tracking API unreachable")
        return Answer(response.status_code == 200, response.status_code, response.text[:300])

    def post_malformed(self, push: MalformedPush) -> Answer:
        """Sent once, exactly as built: its first answer is what the ground truth records (`ok`: a 2xx)."""
        if push.carrier == "sf":
            url = f"{self.base_url}/v1/carriers/sf/route-push"
            headers = sf.signed_headers(push.body, malformed.secret_for(push, self.sf_check_word), datetime.now(UTC))
        else:
            url = f"{self.base_url}/v1/carriers/ups/track"
            headers = ups.credential_headers(malformed.secret_for(push, self.ups_credential))
        response = _post(self.session, url, headers, data=push.body.encode("utf-8"), attempts=1)
        if response is None:
            return Answer(False, 0, "tracking API unreachable")
        return Answer(200 <= response.status_code < 300, response.status_code, response.text[:300])


def _sf_answer(response: requests.Response | None) -> Answer:
    if response is None:
        return Answer(False, 0, "tracking API unreachable")
    try:
        body = response.json()
    except ValueError:
        body = None
    return Answer(response.status_code == 200 and sf.accepted(body), response.status_code, response.text[:300])


def _retryable(response: requests.Response | None) -> bool:
    return response is None or response.status_code in RETRY_STATUSES


def _post(session: requests.Session, url: str, headers: dict[str, str], json_body: Any = None,
          data: bytes | None = None, attempts: int = ATTEMPTS) -> requests.Response | None:
    """The response (None if never reached), retrying connection errors and 429/5xx with backoff."""
    response = None
    for attempt in range(attempts):
        try:
            response = session.post(url, headers=headers, json=json_body, data=data, timeout=TIMEOUT)
        except requests.RequestException:
            response = None
        if not _retryable(response):
            return response
        if attempt + 1 < attempts:
            time.sleep(_delay(response, attempt))
    return response


def _delay(response: requests.Response | None, attempt: int) -> float:
    retry_after = response.headers.get("Retry-After", "") if response is not None else ""
    return min(float(retry_after), 10.0) if retry_after.isdigit() else 0.5 * 2**attempt
