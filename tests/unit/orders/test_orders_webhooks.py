"""Webhook rules with no I/O: signatures, targets, the retry schedule and disabling."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from services.orders.webhooks.adapters.sender import HttpSender, TargetChecker
from services.orders.webhooks.domain.model import (
    Delivery,
    Outcome,
    PendingDelivery,
    RetryPolicy,
    Webhook,
    delivery_id,
    notification_body,
)
from services.orders.webhooks.domain.signing import new_secret, signature, verify
from services.orders.webhooks.domain.targets import TargetRefused, check_addresses, is_public, parse_target
from tests.unit.orders.conftest import PUBLIC_RESOLVER, fake_resolver

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
FAILED = Outcome(500, None, 30)
OK = Outcome(204, None, 30)


def _webhook(**changes) -> Webhook:
    return Webhook(**{"id": "whk_a", "shipper_id": "shp_a", "url": "https://hooks.example.com/x", "secret": "s",
                      "created_at": T0, **changes})


def _delivery() -> Delivery:
    pending = PendingDelivery(delivery_id("whk_a", "evt-1"), "whk_a", "evt-1", "parcel.status_changed", "{}", T0)
    return Delivery.from_pending(pending, "shp_a")


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex():
    body = '{"id":"evt-1"}'
    expected = hmac.new(b"whsec_k", f"1717228800.{body}".encode(), hashlib.sha256).hexdigest()
    assert signature("whsec_k", 1717228800, body) == f"v1={expected}"


def test_a_receiver_verifies_only_the_right_secret_time_and_body():
    secret = new_secret()
    header = signature(secret, 1717228800, "{}")
    assert verify(secret, 1717228800, "{}", header)
    assert verify(secret, 1717228800, "{}", f"v1=deadbeef, {header}")
    assert not verify(secret, 1717228801, "{}", header)
    assert not verify(secret, 1717228800, "{ }", header)
    assert not verify(new_secret(), 1717228800, "{}", header)


def test_secrets_are_long_and_fresh():
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and len(first) > 40 and first != second


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "2001:db8::1",
])
def test_non_public_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address):
    assert is_public(address)


@pytest.mark.parametrize("url", [
    "ftp://hooks.example.com/x", "file:///etc/passwd", "hooks.example.com/x", "https:///x",
    "https://user:pw@hooks.example.com/x", "https://hooks.example.com/x#frag", "https://hooks.example.com:99999/",
    "https://hooks.example.com/" + "a" * 2050,
])
def test_only_plain_http_urls_are_targets(url):
    with pytest.raises(TargetRefused):
        parse_target(url)


def test_a_target_keeps_its_port_path_and_query():
    target = parse_target("https://hooks.example.com:8443/in?shop=1")
    assert (target.host, target.port, target.path, target.host_header) == (
        "hooks.example.com", 8443, "/in?shop=1", "hooks.example.com:8443")
    assert parse_target("http://hooks.example.com").path == "/"


@pytest.mark.parametrize("url", ["http://localhost:9000/", "https://internal.example.com/", "http://10.0.0.1/",
                                 "http://[::1]:8080/", "https://nowhere.example.com/"])
def test_targets_on_private_or_unresolvable_addresses_are_refused(url):
    with pytest.raises(TargetRefused):
        TargetChecker(PUBLIC_RESOLVER).check(url)


def test_configuration_can_allow_private_targets_but_not_unresolvable_ones():
    checker = TargetChecker(PUBLIC_RESOLVER, allow_private=True)
    assert checker.check("http://localhost:9000/hook")[1] == ["127.0.0.1", "::1"]
    with pytest.raises(TargetRefused, match="does not resolve"):
        checker.check("https://nowhere.example.com/")


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(TargetRefused, match=r"10\.0\.0\.9"):
        check_addresses("mixed.example.com", ["93.184.216.34", "10.0.0.9"], allow_private=False)


def test_the_sender_rechecks_the_address_when_it_delivers():
    # The name resolved to a public address at registration; now it points inside (DNS rebinding).
    rebound = HttpSender(TargetChecker(fake_resolver({"hooks.example.com": ["169.254.169.254"]})))
    outcome = rebound.post("https://hooks.example.com/x", "{}", {}, timeout=1)
    assert outcome.status_code is None and "target refused" in outcome.error and not outcome.succeeded


def test_the_default_schedule_backs_off_exponentially_then_gives_up():
    policy = RetryPolicy()
    delays = [policy.delay_after(n) for n in range(1, policy.max_attempts + 1)]
    assert delays[-1] is None
    assert all(later > earlier * 2 for earlier, later in pairwise(delays[:-1]))
    assert RetryPolicy.exponential(1, 2, 4).delays == (1, 2, 4, 8)


def test_a_failed_attempt_is_retried_on_schedule_then_the_delivery_fails():
    delivery, policy = _delivery(), RetryPolicy(delays=(10, 60))
    first = delivery.record(FAILED, T0, policy)
    assert (delivery.state, first.next_attempt_at) == ("pending", T0 + timedelta(seconds=10))
    delivery.record(Outcome(None, "TimeoutError: timed out", 5000), T0 + timedelta(seconds=10), policy)
    assert delivery.next_attempt_at == T0 + timedelta(seconds=70)
    last = delivery.record(FAILED, T0 + timedelta(seconds=70), policy)
    assert (delivery.state, delivery.next_attempt_at, last.number) == ("failed", None, 3)
    assert [a.status_code for a in delivery.attempts] == [500, None, 500]


def test_a_2xx_answer_delivers():
    delivery = _delivery()
    delivery.record(FAILED, T0, RetryPolicy())
    delivery.record(OK, T0 + timedelta(seconds=10), RetryPolicy())
    assert delivery.state == "delivered" and delivery.next_attempt_at is None
    assert not Outcome(302, None, 1).succeeded


def test_a_webhook_is_disabled_after_n_failures_in_a_row():
    webhook = _webhook()
    assert not webhook.record_failure(T0, disable_after=3)
    webhook.record_success()
    assert [webhook.record_failure(T0, 3) for _ in range(3)] == [False, False, True]
    assert (webhook.state, webhook.disabled_at, webhook.active) == ("disabled", T0, False)
    assert not webhook.record_failure(T0, 3)  # disabled once, not again
    assert not webhook.wants("delivered")


def test_a_webhook_wants_only_its_statuses():
    picky = _webhook(statuses=("delivered", "delivery_failed"))
    assert picky.wants("delivered") and not picky.wants("in_transit")
    assert _webhook().wants("in_transit")


def test_a_delivery_id_is_the_same_for_the_same_webhook_and_event():
    assert delivery_id("whk_a", "evt-1") == delivery_id("whk_a", "evt-1")
    assert len({delivery_id("whk_a", "evt-1"), delivery_id("whk_b", "evt-1"), delivery_id("whk_a", "evt-2")}) == 3


def test_the_body_is_compact_json_with_the_event_id_and_type():
    body = notification_body("evt-1", T0, {"status": "delivered"})
    assert " " not in body
    assert json.loads(body) == {"id": "evt-1", "type": "parcel.status_changed",
                                "occurred_at": "2025-06-01T08:00:00+00:00", "data": {"status": "delivered"}}
