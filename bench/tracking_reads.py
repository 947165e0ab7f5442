"""Customer polling: `GET /v1/tracking/{number}` at fixed rates with vegeta, over a sample of every stored number.

The numbers are a random sample of the `aliases` collection (each tracker's shipment id, SF waybill and UPS
1Z, so about a third of each kind), spread over every stored tracker, not only the recent ones. Rates step
up until one breaks (see steps.py). The 304 path (`If-None-Match` with the ETag of an earlier answer) is
measured on its own at the highest rate that did not break; the closed-loop maximum is compared with the
trivial endpoint's, measured by the same generator with the same number of clients.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from pymongo.database import Database

from bench import steps
from bench.stack import Bench
from bench.vegeta import Attack, Target, Vegeta
from services.tracking.adapters.repository import ALIASES

ETAG_SAMPLE = 500  # numbers whose ETag is fetched for the 304 path
KINDS = {"PB": "shipment id", "SF": "SF waybill", "1Z": "UPS 1Z"}
T = TypeVar("T")


def sample_numbers(database: Database, size: int, seed: int) -> list[str]:
    """`size` numbers drawn at random from every stored alias (all of them if there are fewer)."""
    numbers = sorted(document["_id"] for document in database[ALIASES].find({}, {"_id": 1}))
    return random.Random(seed).sample(numbers, min(size, len(numbers)))


def kinds(numbers: list[str]) -> dict[str, int]:
    """How many numbers of each kind (by prefix)."""
    return dict(Counter(KINDS.get(number[:2], "other") for number in numbers))


def targets(base_url: str, numbers: list[str], etags: dict[str, str] | None = None) -> list[Target]:
    """One GET per number; with `etags`, each carries `If-None-Match` with its number's ETag."""
    url = f"{base_url}/v1/tracking/"
    if etags is None:
        return [Target(url + number) for number in numbers]
    return [Target(url + number, (("If-None-Match", etags[number]),)) for number in numbers if etags.get(number)]


def warm_up(vegeta: Vegeta, bench: Bench, numbers: list[str], rate: float, duration_s: float) -> dict[str, Any]:
    """A short attack whose figures are kept apart: the first requests pay for connections and cold caches."""
    return vegeta.attack(targets(bench.url("tracking"), numbers[-round(rate * duration_s):]),
                         Attack(rate, duration_s), (200,))


def stepped(vegeta: Vegeta, bench: Bench, numbers: list[str], rates: list[float], duration_s: float,
            p99_limit_ms: float, on_rate: Callable[[float], Callable[[int], None]]) -> dict[str, Any]:
    """One vegeta attack per rate until one breaks; `on_rate(rate)` gives that rate's progress callback.

    Each rate starts where the previous one stopped in the sample, so no rate re-reads numbers an earlier
    one warmed (the tracking API caches resolved numbers; the store caches pages).
    """
    wanted = targets(bench.url("tracking"), numbers)
    sent = 0

    def run(rate: float) -> dict[str, Any]:
        nonlocal sent
        result = vegeta.attack(rotated(wanted, sent), Attack(rate, duration_s), (200,), on_rate(rate))
        sent += result["requests"]
        return result

    return steps.until_broken(rates, run, lambda result: steps.read_broke(result, p99_limit_ms))


def rotated(items: list[T], start: int) -> list[T]:
    """The same items, beginning at `start` (modulo their number) and wrapping round."""
    if not items:
        return items
    start %= len(items)
    return items[start:] + items[:start]


def etags_of(bench: Bench, numbers: list[str]) -> dict[str, str]:
    """number -> the ETag of its current answer (as a client keeps it between two polls)."""
    session, url = requests.Session(), f"{bench.url('tracking')}/v1/tracking/"
    return {number: session.get(url + number, timeout=30).headers.get("ETag", "") for number in numbers}


def not_modified(vegeta: Vegeta, bench: Bench, numbers: list[str], rate: float, duration_s: float,
                 advance: Callable[[int], None]) -> dict[str, Any]:
    """The same polling with `If-None-Match`: every answer should be 304 without a body."""
    sample = numbers[:ETAG_SAMPLE]
    wanted = targets(bench.url("tracking"), sample, etags_of(bench, sample))
    return vegeta.attack(wanted, Attack(rate, duration_s), (304,), advance) | {"numbers": len(wanted)}


def closed_loop(vegeta: Vegeta, bench: Bench, numbers: list[str], clients: int, duration_s: float,
                start: int = 0) -> dict[str, Any]:
    """The most answers per second `clients` back-to-back clients get (compared with the trivial endpoint)."""
    wanted = rotated(targets(bench.url("tracking"), numbers), start)
    result = vegeta.attack(wanted, Attack(0, duration_s, clients), (200,))
    return result | {"clients": clients, "requests_per_s": result["ok_per_s"]}


def highest_passing_rate(stepped_result: dict[str, Any], p99_limit_ms: float) -> float:
    """The highest rate that did not break (the first rate if every one broke)."""
    rates = stepped_result["rates"]
    passing = [r["rate_per_s"] for r in rates if not steps.read_broke(r, p99_limit_ms)]
    return max(passing) if passing else rates[0]["rate_per_s"]
