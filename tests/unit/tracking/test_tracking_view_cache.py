"""Rendered answers kept for a short time: fresh within the TTL, gone after it, never beyond the byte budget."""

import pytest
from prometheus_client import REGISTRY

from services.tracking.adapters.view_cache import Rendered, ViewCache


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def answer(text: str, size: int = 10) -> Rendered:
    return Rendered(text.encode().ljust(size), f"etag-{text}", settled=False)


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("parcelbridge_tracking_read_cache_total",
                                     {"cache": "view", "outcome": outcome}) or 0.0


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


def test_an_answer_is_served_until_its_ttl_has_passed(ticks):
    cache = ViewCache(1.0, clock=ticks)
    cache.put(("SF1", "en"), answer("one"))
    ticks.now += 0.999
    assert cache.get(("SF1", "en")) == answer("one")
    ticks.now += 0.001
    assert cache.get(("SF1", "en")) is None


def test_each_language_is_its_own_answer(ticks):
    cache = ViewCache(1.0, clock=ticks)
    cache.put(("SF1", "en"), answer("english"))
    assert cache.get(("SF1", "zh-CN")) is None and cache.get(("SF1", "en")) == answer("english")


def test_a_ttl_of_zero_keeps_nothing(ticks):
    cache = ViewCache(0, clock=ticks)
    assert cache.put(("SF1", "en"), answer("one")) == answer("one")
    assert cache.get(("SF1", "en")) is None and cache.size == (0, 0)


def test_expired_answers_are_dropped_as_new_ones_come(ticks):
    cache = ViewCache(1.0, clock=ticks)
    for number in range(50):
        cache.put((f"SF{number}", "en"), answer(str(number)))
    ticks.now += 1.0
    cache.put(("SF-new", "en"), answer("new"))
    assert cache.size == (1, 10)


def test_the_oldest_answers_go_first_beyond_the_byte_budget(ticks):
    cache = ViewCache(60, max_bytes=25, clock=ticks)
    for number in ("SF1", "SF2", "SF3"):
        cache.put((number, "en"), answer(number))
    assert cache.get(("SF1", "en")) is None
    assert cache.get(("SF2", "en")) == answer("SF2") and cache.get(("SF3", "en")) == answer("SF3")
    assert cache.size == (2, 20)


def test_putting_an_answer_again_replaces_it_and_restarts_its_time(ticks):
    cache = ViewCache(1.0, clock=ticks)
    cache.put(("SF1", "en"), answer("old"))
    ticks.now += 0.5
    cache.put(("SF1", "en"), answer("new", size=4))
    ticks.now += 0.9
    assert cache.get(("SF1", "en")) == answer("new", size=4) and cache.size == (1, 4)


def test_hits_and_misses_are_counted(ticks):
    cache = ViewCache(1.0, clock=ticks)
    before = counted("hit"), counted("miss")
    cache.get(("SF1", "en"))
    cache.put(("SF1", "en"), answer("one"))
    cache.get(("SF1", "en"))
    cache.get(("SF1", "en"))
    assert (counted("hit"), counted("miss")) == (before[0] + 2, before[1] + 1)
