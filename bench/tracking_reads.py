"""Customer polling: `GET /v1/tracking/{number}` at fixed rates, over the three kinds of number in turn.

Rates step up until p99 passes the limit or errors appear. The 304 path (`If-None-Match` with the ETag of a
previous answer) is measured separately at the first rate; the closed-loop maximum is compared with the
trivial endpoint's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from bench.load import Run, max_throughput, run_fixed_rate
from bench.stack import Bench
from bench.stats import summary_ms
from shared.events.schemas.shipments import ShipmentBooked

P99_LIMIT_MS = 100.0
ETAG_SAMPLE = 300


def numbers_of(bookings: list[ShipmentBooked]) -> list[str]:
    """Shipment id, SF waybill and UPS 1Z of each parcel, interleaved so each kind gets a third of the load."""
    return [n for b in bookings for n in (b.shipment_id, b.sf_waybill, b.ups_tracking_number)]


def stepped(bench: Bench, numbers: list[str], rates: list[float], duration_s: float,
            advance: Callable[[int], None]) -> list[dict[str, Any]]:
    """One result per rate, stopping after the first rate whose p99 passes the limit or that had errors."""
    results = []
    for rate in rates:
        url = f"{bench.url('tracking')}/v1/tracking/"
        run = run_fixed_rate(_getter(url, numbers), rate, duration_s, on_done=lambda _o: advance(1))
        results.append(_result(run, ok=(200,)))
        if results[-1]["errors"] or (results[-1]["ms"] or {}).get("p99", 0) > P99_LIMIT_MS:
            break
    return results


def not_modified(bench: Bench, numbers: list[str], rate: float, duration_s: float,
                 advance: Callable[[int], None]) -> dict[str, Any]:
    """The same polling with `If-None-Match`: every answer should be 304 without a body."""
    url = f"{bench.url('tracking')}/v1/tracking/"
    session = requests.Session()
    sample = numbers[:: max(1, len(numbers) // ETAG_SAMPLE)]
    etags = [(n, session.get(url + n, timeout=30).headers.get("ETag", "")) for n in sample]

    def send(s: requests.Session, index: int) -> int:
        number, etag = etags[index % len(etags)]
        return s.get(url + number, headers={"If-None-Match": etag}, timeout=30).status_code

    return _result(run_fixed_rate(send, rate, duration_s, on_done=lambda _o: advance(1)), ok=(304,))


def closed_loop(bench: Bench, numbers: list[str], threads: int, duration_s: float) -> dict[str, Any]:
    """The most answers per second back-to-back clients get (compared with the trivial endpoint)."""
    getter = _getter(f"{bench.url('tracking')}/v1/tracking/", numbers)
    counter = iter(range(10**9))
    return max_throughput(lambda s, _i: getter(s, next(counter)), threads, duration_s)


def _getter(url: str, numbers: list[str]):
    def send(session: requests.Session, index: int) -> int:
        return session.get(url + numbers[index % len(numbers)], timeout=30).status_code

    return send


def _result(run: Run, ok: tuple[int, ...]) -> dict[str, Any]:
    return {"rate_per_s": run.rate, "duration_s": run.duration_s, "requests": len(run.outcomes),
            "achieved_rate_per_s": round(run.achieved_rate, 1), "errors": run.errors(ok),
            "ms": summary_ms(run.latencies(*ok))}
