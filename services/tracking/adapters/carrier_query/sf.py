"""SF Express route query over HTTP: one signed form POST of up to 10 waybills to the open platform."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import requests

from services.tracking.adapters.carrier_query.guarded import CarrierUnavailable, GuardedClient
from services.tracking.carriers.sf import query


class SfRouteClient:
    carrier = "sf_express"

    def __init__(self, guarded: GuardedClient, url: str, partner_id: str, check_word: str, check_phone: str = "",
                 wall_clock_ms: Callable[[], int] = lambda: int(time.time() * 1000)):
        self.guarded, self.url, self.partner_id, self.check_word = guarded, url, partner_id, check_word
        self.check_phone, self.wall_clock_ms = check_phone, wall_clock_ms

    def query(self, numbers: Sequence[str]) -> list[Any]:
        """SF's answer envelope for these waybills; raises CarrierUnavailable."""
        form = query.route_query_form(list(numbers), self.partner_id, self.check_word, uuid.uuid4().hex,
                                      self.wall_clock_ms(), self.check_phone)
        response = self.guarded.send("POST", self.url, data=form)
        try:
            return [response.json()]
        except ValueError as exc:
            raise CarrierUnavailable(f"sf_express: HTTP {response.status_code} with a body that is not JSON") from exc


def sf_rate_limited(response: requests.Response) -> bool:
    """SF says "too many calls" inside a 200 envelope (A1005): retried like a 429."""
    try:
        return query.rate_limited(response.json())
    except ValueError:
        return False
