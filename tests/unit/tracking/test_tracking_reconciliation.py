"""The reconciliation poller's pure rules: which trackers are due, calls of at most 10, breaker, retries."""

from datetime import UTC, datetime, timedelta

import pytest

from services.tracking.domain.breaker import Breaker
from services.tracking.domain.reconciliation import (
    Quiet,
    Thresholds,
    calls,
    due,
    is_due,
    is_settled,
    quiet_before,
    quiet_key,
)
from services.tracking.domain.retry_policy import RetryPolicy, retry_after_seconds, retryable

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
THRESHOLDS = Thresholds(first_mile=timedelta(hours=24), export_customs=timedelta(hours=48),
                        air_linehaul=timedelta(hours=36), import_customs=timedelta(hours=48),
                        last_mile=timedelta(hours=12))


def _quiet(n: int, leg=None, silent=timedelta(hours=100), settled=False) -> Quiet:
    return Quiet(f"PB{n:08d}", f"SF{n:013d}", f"1Z{n:016d}", leg, NOW - silent, settled)


@pytest.mark.parametrize(("leg", "threshold"), [
    (None, 24), ("first_mile", 24), ("export_customs", 48), ("air_linehaul", 36), ("import_customs", 48),
    ("last_mile", 12),
])
def test_a_tracker_is_due_exactly_when_its_leg_has_been_silent_for_its_threshold(leg, threshold):
    limit = timedelta(hours=threshold)
    assert is_due(_quiet(1, leg, silent=limit), None, THRESHOLDS, NOW)
    assert not is_due(_quiet(1, leg, silent=limit - timedelta(seconds=1)), None, THRESHOLDS, NOW)


def test_a_recent_poll_counts_like_an_event_so_a_quiet_parcel_is_asked_about_once_per_threshold():
    tracker = _quiet(1, "last_mile", silent=timedelta(days=5))
    assert not is_due(tracker, NOW - timedelta(hours=11), THRESHOLDS, NOW)
    assert is_due(tracker, NOW - timedelta(hours=12), THRESHOLDS, NOW)


@pytest.mark.parametrize(("status", "milestone", "settled"), [
    ("delivered", "delivered", True), ("cancelled", "label_created", True), ("return_to_sender", "returned", True),
    ("return_to_sender", "returning", False), ("on_hold", "import_customs_in_progress", False),
])
def test_delivered_returned_and_cancelled_trackers_are_settled(status, milestone, settled):
    assert is_settled(status, milestone) is settled


def test_a_settled_tracker_is_never_due_however_long_it_is_silent():
    assert not is_due(_quiet(1, "last_mile", silent=timedelta(days=400), settled=True), None, THRESHOLDS, NOW)


def test_due_keeps_only_the_trackers_whose_silence_outlasted_their_leg_and_last_poll():
    quiet = [_quiet(1, "first_mile"), _quiet(2, "last_mile", silent=timedelta(hours=1)), _quiet(3, "import_customs")]
    polled = {"PB00000003": NOW - timedelta(hours=1)}
    assert [t.shipment_id for t in due(quiet, polled, THRESHOLDS, NOW)] == ["PB00000001"]


def test_the_cutoffs_bound_each_leg_by_its_own_threshold():
    cutoffs = THRESHOLDS.cutoffs(NOW)
    assert cutoffs["last_mile"] == NOW - timedelta(hours=12) and cutoffs[None] == NOW - timedelta(hours=24)
    assert THRESHOLDS.longest == timedelta(hours=48)


def test_numbers_are_batched_per_carrier_in_calls_of_at_most_ten():
    trackers = [_quiet(n, "first_mile") for n in range(23)] + [_quiet(100 + n, "last_mile") for n in range(4)]
    found = calls(trackers)
    assert [(c.carrier, len(c.numbers)) for c in found] == [("sf_express", 10), ("sf_express", 10),
                                                             ("sf_express", 3), ("ups", 4)]
    assert found[3].numbers[0] == "1Z0000000000000100" and found[3].shipments[0] == "PB00000100"
    assert all(len(c.numbers) <= 10 for c in calls(trackers, size=50))


def test_a_parcel_in_the_air_is_asked_of_both_carriers_and_a_number_only_once():
    found = calls([_quiet(7, "air_linehaul"), _quiet(7, "air_linehaul")])
    assert [(c.carrier, c.numbers) for c in found] == [("sf_express", ("SF0000000000007",)),
                                                        ("ups", ("1Z0000000000000007",))]


def test_the_breaker_opens_after_n_failures_in_a_row_and_half_opens_after_the_cool_down():
    breaker = Breaker(failure_threshold=3, cool_down=60)
    for now in (0, 1):
        breaker.failed(now)
        assert breaker.state(now) == "closed" and breaker.allow(now)
    breaker.failed(2)
    assert breaker.state(2) == "open" and not breaker.allow(61.9)
    assert breaker.retry_in(30) == 32
    assert breaker.state(62) == "half_open"
    assert breaker.allow(62) and not breaker.allow(62.5)  # one trial call, no more until it reports back


def test_a_success_closes_the_breaker_and_forgets_earlier_failures():
    breaker = Breaker(failure_threshold=2, cool_down=10)
    breaker.failed(0)
    breaker.succeeded()
    breaker.failed(1)
    assert breaker.state(1) == "closed"
    breaker.failed(2)
    breaker.allow(12)
    breaker.succeeded()
    assert breaker.state(12) == "closed" and breaker.allow(12) and breaker.retry_in(12) == 0


def test_a_failed_half_open_trial_opens_the_breaker_for_a_new_cool_down():
    breaker = Breaker(failure_threshold=1, cool_down=10)
    breaker.failed(0)
    assert breaker.allow(10)
    breaker.failed(10)
    assert breaker.state(19) == "open" and breaker.state(20) == "half_open"


@pytest.mark.parametrize(("status", "again"), [
    (None, True), (429, True), (500, True), (502, True), (503, True), (504, True),
    (400, False), (401, False), (403, False), (404, False), (200, False),
])
def test_only_unreached_rate_limited_and_server_failures_are_retried(status, again):
    assert retryable(status) is again


def test_backoff_doubles_with_half_of_it_random_and_stops_at_the_cap():
    policy = RetryPolicy(attempts=5, base=0.5, cap=3.0)
    assert [policy.delay(n, None, jitter=0) for n in (1, 2, 3, 4)] == [0.25, 0.5, 1.0, 1.5]
    assert [policy.delay(n, None, jitter=1) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]


def test_a_carriers_retry_after_wins_over_the_backoff_and_one_beyond_the_cap_gives_up():
    policy = RetryPolicy(attempts=3, base=0.5, cap=30)
    assert policy.delay(1, 7.0) == 7.0
    assert not policy.gives_up(1, 30.0) and policy.gives_up(1, 31.0)
    assert not policy.gives_up(2, None) and policy.gives_up(3, None)


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    assert retry_after_seconds("12", NOW) == 12
    assert retry_after_seconds("Sun, 10 May 2026 12:00:30 GMT", NOW) == 30
    assert retry_after_seconds("Sun, 10 May 2026 11:00:00 GMT", NOW) == 0
    assert retry_after_seconds("soon", NOW) is None and retry_after_seconds(None, NOW) is None


def test_quiet_keys_sort_by_silence_and_match_at_the_stores_millisecond_precision():
    early, late = quiet_key(NOW - timedelta(hours=2), "PBZ"), quiet_key(NOW, "PBA")
    assert early < late <= quiet_before(NOW) < quiet_key(NOW + timedelta(milliseconds=1), "PB0")
    assert quiet_key(NOW.replace(microsecond=123_456), "PB1") == quiet_key(NOW.replace(microsecond=123_000), "PB1")
