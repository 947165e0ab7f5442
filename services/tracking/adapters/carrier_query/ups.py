"""UPS Track API v1 over HTTP: an OAuth client-credentials token, then one GET per inquiry number."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import requests

from services.tracking.adapters.carrier_query.guarded import CarrierUnavailable, GuardedClient
from services.tracking.carriers.ups import query


class UpsTrackClient:
    carrier = "ups"

    def __init__(self, guarded: GuardedClient, base_url: str, client_id: str, client_secret: str,
                 monotonic: Callable[[], float] = time.monotonic):
        self.guarded, self.base_url = guarded, base_url
        self.client_id, self.client_secret, self.monotonic = client_id, client_secret, monotonic
        self._token: query.Token | None = None

    def query(self, numbers: Sequence[str]) -> list[Any]:
        """UPS's answer for each number (a trackResponse, or UPS's error body); raises CarrierUnavailable."""
        return [self._track(number) for number in numbers]

    def _track(self, number: str) -> Any:
        response = self.guarded.send("GET", query.track_url(self.base_url, number), params=query.track_params(),
                                     headers=query.track_headers(self._bearer(), uuid.uuid4().hex))
        if response.status_code == 401:
            self._token = None  # revoked or expired early: the next call fetches a new one
        return _json(response)

    def _bearer(self) -> str:
        if self._token is None or not self._token.fresh(self.monotonic()):
            response = self.guarded.send("POST", query.token_url(self.base_url),
                                         data={"grant_type": "client_credentials"},
                                         auth=(self.client_id, self.client_secret))
            try:
                self._token = query.read_token(_json(response), self.monotonic())
            except ValueError as exc:
                raise CarrierUnavailable(f"ups: no token (HTTP {response.status_code}): {exc}") from exc
        return self._token.value


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise CarrierUnavailable(f"ups: HTTP {response.status_code} with a body that is not JSON") from exc
