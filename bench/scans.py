"""The scan pipeline, measured until every scan is applied to its tracker.

(a) carrier-format HTTP ingest -> carrier-scans.v1 -> tracking consumer -> tracker;
(b) the same from the topic alone: `scan.recorded` events published straight to carrier-scans.v1.
"Applied" means the tracking group's committed offsets reached the end of carrier-scans.v1 as it was once
everything had been sent (lag zero), and a sample of trackers holds exactly the scans sent to them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import requests

from bench.carrier_traffic import CarrierRequest, Traffic
from bench.lag import LagProbe
from bench.meter import Meter
from bench.stack import Bench
from bench.stats import summary_ms
from services.simulator.carriers import sf, ups
from services.tracking import messages
from services.tracking.adapters.repository import MongoTrackerRepository
from shared.kafka.producer import EventProducer, OutgoingRecord, make_kafka_producer, record_for
from shared.kafka.topics import CARRIER_SCANS

GROUP = "tracking"
PATHS = {"sf_express": "/v1/carriers/sf/route-push", "ups": "/v1/carriers/ups/track"}
ATTEMPTS = 3  # carriers retry a push that was not acknowledged (SF three times)
Progress = Callable[[int], None]
MIN_APPLY_RATE = 5  # scans/s: below this the wait gives up (a stuck consumer, not a slow one)


def _apply_timeout(traffic: Traffic) -> float:
    return max(900.0, traffic.total / MIN_APPLY_RATE)


def via_http(bench: Bench, traffic: Traffic, posters: int, progress: Progress, meter: Meter) -> dict[str, Any]:
    """Post every request from `posters` concurrent carriers; measure until all scans are applied.

    Its cost per scan is counted until every service has settled (the console applies the same scans).
    """
    poster = _Poster(bench)
    before = meter.begin()
    probe = LagProbe(bench.kafka, GROUP, CARRIER_SCANS.name)
    began = time.perf_counter()
    try:
        with ThreadPoolExecutor(posters) as pool:
            futures = [pool.submit(poster.post, request, progress) for request in traffic.requests]
        for future in futures:
            future.result()  # a bug in the poster surfaces here rather than vanishing in the pool
        posted = time.perf_counter()
        applied = probe.wait_caught_up(probe.ends(), timeout_s=_apply_timeout(traffic))
    finally:
        probe.close()
    cost = meter.cost(before, traffic.total)
    return _result(traffic, began, applied, bench) | {
        "cost": cost, "requests": len(traffic.requests), "posters": posters, "posting_s": round(posted - began, 2),
        "request_ms": summary_ms(poster.latencies), "failed_attempts": poster.failures,
        "unacknowledged_requests": poster.lost,
    }


def via_topic(bench: Bench, traffic: Traffic, progress: Progress, meter: Meter) -> dict[str, Any]:
    """Publish the scans as `scan.recorded` (what ingest would have written); measure until applied."""
    records = _records(traffic)
    producer = EventProducer(make_kafka_producer(bench.kafka))
    before = meter.begin()
    probe = LagProbe(bench.kafka, GROUP, CARRIER_SCANS.name)
    began = time.perf_counter()
    try:
        for start in range(0, len(records), 1000):
            producer.send_records(records[start:start + 1000])
            progress(len(records[start:start + 1000]))
        published = time.perf_counter()
        applied = probe.wait_caught_up(probe.ends(), timeout_s=_apply_timeout(traffic))
    finally:
        probe.close()
    cost = meter.cost(before, traffic.total)
    return _result(traffic, began, applied, bench) | {"cost": cost, "publishing_s": round(published - began, 2)}


def _records(traffic: Traffic) -> list[OutgoingRecord]:
    # Built before the clock starts: validating 20,000 events is the publisher's cost, not the pipeline's.
    received_at = datetime.now(UTC)
    return [record_for(messages.scan_event(scan, received_at, None)) for scan in traffic.scans]


def _result(traffic: Traffic, began: float, applied: float, bench: Bench) -> dict[str, Any]:
    seconds = applied - began
    return {"scans": traffic.total, "parcels": len(traffic.expected), "seconds": round(seconds, 2),
            "scans_per_s": round(traffic.total / seconds, 1), "applied_check": applied_check(bench, traffic)}


def applied_check(bench: Bench, traffic: Traffic) -> dict[str, Any]:
    """Every tracker holds every scan sent to it, once (checked after the clock stopped, so not timed)."""
    trackers = MongoTrackerRepository(bench.tracking_db())
    incomplete, missing = [], 0
    for shipment_id, expected in traffic.expected.items():
        tracker = trackers.get(shipment_id)
        mine = [e.scan.scan_id for e in (tracker.timeline if tracker else []) if e.scan.scan_id in expected]
        if len(set(mine)) != len(expected) or len(set(mine)) != len(mine):
            incomplete.append(shipment_id)
            missing += len(expected - set(mine))
    return {"trackers_checked": len(traffic.expected), "complete": len(traffic.expected) - len(incomplete),
            "scans_missing": missing, "incomplete": incomplete[:20]}


class _Poster:
    """One carrier's HTTP client per thread; signs SF pushes at send time as SF does."""

    def __init__(self, bench: Bench):
        self.base = bench.url("tracking")
        self.check_word, self.credential = bench.sf_check_word, bench.ups_credential
        self.local = threading.local()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.failures = self.lost = 0

    def post(self, request: CarrierRequest, progress: Progress) -> None:
        session = self._session()
        for _attempt in range(ATTEMPTS):
            began = time.perf_counter()
            ok = self._send(session, request)
            with self.lock:
                self.latencies.append((time.perf_counter() - began) * 1000)
                self.failures += 0 if ok else 1
            if ok:
                progress(request.scans)
                return
            time.sleep(0.5)
        with self.lock:
            self.lost += 1

    def _send(self, session: requests.Session, request: CarrierRequest) -> bool:
        try:
            response = session.post(self.base + PATHS[request.carrier], data=request.body.encode(),
                                    headers=self._headers(request), timeout=60)
        except requests.RequestException:
            return False
        if request.carrier == "sf_express":
            return response.status_code == 200 and sf.accepted(response.json())
        return response.status_code == 200

    def _headers(self, request: CarrierRequest) -> dict[str, str]:
        if request.carrier == "sf_express":
            return sf.signed_headers(request.body, self.check_word, datetime.now(UTC))
        return ups.credential_headers(self.credential)

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session
