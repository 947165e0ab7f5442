"""The per-address token bucket of the public API."""

from shared.ratelimit import TokenBuckets


class Ticks:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_burst_is_allowed_then_the_client_waits():
    ticks = Ticks()
    buckets = TokenBuckets(rate_per_second=2, burst=3, clock=ticks)
    assert [buckets.take("a") for _ in range(3)] == [None, None, None]
    assert buckets.take("a") == 1
    assert buckets.take("b") is None  # per address
    ticks.now += 0.5
    assert buckets.take("a") is None


def test_a_zero_rate_turns_the_limit_off():
    buckets = TokenBuckets(rate_per_second=0, burst=1)
    assert all(buckets.take("a") is None for _ in range(100))


def test_the_number_of_remembered_clients_is_bounded():
    buckets = TokenBuckets(rate_per_second=1, burst=1, clock=Ticks(), max_clients=2)
    for client in "abc":
        buckets.take(client)
    assert list(buckets._buckets) == ["b", "c"]
