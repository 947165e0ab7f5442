"""Carrier requests for the HTTP edge's unit tests: credentials, sample pushes, and SF's signature."""

from __future__ import annotations

import json
import time

from services.tracking.adapters.view_cache import ViewCache
from services.tracking.carriers.sf import auth as sf_auth
from services.tracking.options import TrackingOptions
from shared.ratelimit import TokenBuckets
from tests.unit.tracking.tracking_samples import SF, UPS

CHECK_WORD, CREDENTIAL = "sf-check-word", "ups-credential"
PUSH = {"Body": {"WaybillRoute": [{"mailno": SF, "acceptTime": "2025-06-01 22:00:00", "opCode": "50"}]}}
ALERT = {"trackingNumber": UPS, "activityStatus": {"type": "I", "code": "OT"}, "gmtActivityDate": "20250611",
         "gmtActivityTime": "150000"}


def sf_headers(body: str, check_word: str = CHECK_WORD, age: float = 0) -> dict[str, str]:
    stamp = str(int((time.time() - age) * 1000))
    return {"timestamp": stamp, "msgDigest": sf_auth.digest(body, stamp, check_word),
            "Content-Type": "application/json"}


def post_sf(client, payload, **kwargs):
    body = json.dumps(payload, ensure_ascii=False)
    return client.post("/v1/carriers/sf/route-push", data=body.encode(), headers=sf_headers(body, **kwargs))


class FakeStores:
    def __init__(self, deps, options: TrackingOptions, views: ViewCache | None = None):
        self._deps = deps
        self.options = options
        self.limiter = TokenBuckets(options.rate_per_second, options.rate_burst)
        self._views = views or ViewCache(0)

    def views(self):
        return self._views

    def trackers(self):
        return self._deps.trackers

    def aliases(self):
        return self._deps.aliases

    def deps(self):
        return self._deps
