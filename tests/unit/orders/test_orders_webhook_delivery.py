"""Registering webhooks, queueing deliveries with the order change, and the deliver loop — all on fakes."""

import json
from datetime import timedelta

import pytest

from services.orders.bootstrap import load_webhook_settings
from services.orders.webhooks.delivery import DispatchSettings, WebhookDispatcher
from services.orders.webhooks.domain.commands import DeleteWebhook, RegisterWebhook
from services.orders.webhooks.domain.model import RetryPolicy, WebhookNotFound, delivery_id
from services.orders.webhooks.domain.signing import verify
from services.orders.webhooks.domain.targets import TargetRefused
from services.orders.webhooks.handlers import (
    MAX_WEBHOOKS_PER_SHIPPER,
    WebhookKeyReused,
    WebhookLimitReached,
    delete_webhook,
    register_webhook,
)
from services.orders.worker import consumer_deps, order_unit
from shared.errors import ConfigError
from tests.unit.orders.conftest import FakeDeliveryQueue, FakeSender, FakeWebhookRepository
from tests.unit.orders.test_orders_handlers import _place, _tracking
from tests.unit.support import FakePublisher

URL = "https://hooks.example.com/parcels"


def _register(webhooks, checker, clock, shipper="shp_a", url=URL, **options):
    return register_webhook(RegisterWebhook(shipper, url, **options), webhooks, checker, clock).webhook


def _dispatcher(orders, webhooks, deliveries, sender, clock, delays=(10, 60), disable_after=3):
    settings = DispatchSettings(RetryPolicy(delays, disable_after, timeout=1), batch=50, concurrency=2)
    return WebhookDispatcher(FakeDeliveryQueue(orders), webhooks, deliveries, sender, settings, clock)


@pytest.fixture
def order_id(orders, clock, body):
    return _place(orders, clock, body).order.id


def test_a_registered_webhook_has_a_secret_and_starts_active(webhooks, checker, clock):
    webhook = _register(webhooks, checker, clock, description="ops", statuses=("delivered",))
    stored = webhooks.get(webhook.id)
    assert stored.secret == webhook.secret and stored.secret.startswith("whsec_")
    assert (stored.state, stored.statuses, stored.description) == ("active", ("delivered",), "ops")


def test_a_private_target_is_refused_at_registration(webhooks, checker, clock):
    with pytest.raises(TargetRefused):
        _register(webhooks, checker, clock, url="http://localhost:8080/hook")
    assert webhooks.webhooks == {}


def test_the_same_idempotency_key_returns_the_same_webhook_and_another_body_is_refused(webhooks, checker, clock):
    first = _register(webhooks, checker, clock, idempotency_key="k1")
    again = register_webhook(RegisterWebhook("shp_a", URL, idempotency_key="k1"), webhooks, checker, clock)
    assert not again.created and again.webhook.id == first.id and again.webhook.secret == first.secret
    with pytest.raises(WebhookKeyReused):
        _register(webhooks, checker, clock, url=URL + "/other", idempotency_key="k1")


def test_a_shipper_has_a_bounded_number_of_webhooks(webhooks, checker, clock):
    for _ in range(MAX_WEBHOOKS_PER_SHIPPER):
        _register(webhooks, checker, clock)
    with pytest.raises(WebhookLimitReached):
        _register(webhooks, checker, clock)
    _register(webhooks, checker, clock, shipper="shp_b")


def test_only_the_owner_deletes_a_webhook(webhooks, checker, clock):
    webhook = _register(webhooks, checker, clock)
    with pytest.raises(WebhookNotFound):
        delete_webhook(DeleteWebhook("shp_b", webhook.id), webhooks)
    delete_webhook(DeleteWebhook("shp_a", webhook.id), webhooks)
    assert webhooks.get(webhook.id) is None


def test_a_status_change_queues_one_delivery_per_interested_webhook_with_the_order(
    orders, webhooks, checker, clock, order_id, consume
):
    everything = _register(webhooks, checker, clock)
    only_delivered = _register(webhooks, checker, clock, statuses=("delivered",))
    _register(webhooks, checker, clock, shipper="shp_b")
    event = _tracking(order_id, "picked_up")
    assert consume(event) == []
    [queued] = orders.webhook_outbox[order_id]
    assert (queued.webhook_id, queued.event_id, queued.delivery_id) == (
        everything.id, event.id, delivery_id(everything.id, event.id))
    body = json.loads(queued.body)
    assert body["id"] == event.id and body["type"] == "parcel.status_changed"
    assert body["data"]["order_id"] == order_id and body["data"]["shipper_reference"] == "SHOP-2025-000123"
    assert (body["data"]["status"], body["data"]["order_status"], body["data"]["shipment_id"]) == (
        "picked_up", "in_transit", "JV1")
    assert orders.get(order_id).status == "in_transit"
    assert only_delivered.id not in {q.webhook_id for q in orders.webhook_outbox[order_id]}


def test_a_redelivered_event_queues_nothing_more(orders, webhooks, checker, clock, order_id, consume):
    _register(webhooks, checker, clock)
    event = _tracking(order_id, "picked_up")
    consume(event)
    consume(event)
    assert len(orders.webhook_outbox[order_id]) == 1


def test_disabled_webhooks_get_nothing_queued(orders, webhooks, checker, clock, order_id, consume):
    webhook = _register(webhooks, checker, clock)
    webhook.record_failure(clock(), disable_after=1)
    webhooks.save(webhook)
    consume(_tracking(order_id, "picked_up"))
    assert orders.webhook_outbox.get(order_id, []) == []


def test_a_queued_delivery_is_moved_once_and_sent_signed(
    orders, webhooks, deliveries, checker, clock, order_id, consume
):
    webhook = _register(webhooks, checker, clock)
    event = _tracking(order_id, "delivered")
    consume(event)
    sender = FakeSender(200)
    dispatcher = _dispatcher(orders, webhooks, deliveries, sender, clock)
    assert dispatcher.move_once() == 1
    assert orders.webhook_outbox[order_id] == []
    assert dispatcher.send_once() == 1
    [(url, body, headers)] = sender.requests
    assert url == URL and headers["Webhook-Id"] == event.id
    assert headers["Webhook-Timestamp"] == str(int(clock.now.timestamp()))
    assert verify(webhook.secret, int(headers["Webhook-Timestamp"]), body, headers["Webhook-Signature"])
    [delivery] = deliveries.deliveries.values()
    assert (delivery.state, [a.status_code for a in delivery.attempts]) == ("delivered", [200])


def test_moving_the_same_delivery_twice_stores_it_once(orders, webhooks, deliveries, checker, clock, order_id, consume):
    _register(webhooks, checker, clock)
    consume(_tracking(order_id, "delivered"))
    queued = dict(orders.documents[order_id])
    dispatcher = _dispatcher(orders, webhooks, deliveries, FakeSender(), clock)
    dispatcher.move_once()
    orders.documents[order_id] = queued  # as if the process died before trimming the order's queue
    assert dispatcher.move_once() == 0
    assert len(deliveries.deliveries) == 1 and orders.webhook_outbox[order_id] == []


def test_failures_are_retried_on_schedule_and_disable_the_webhook(
    orders, webhooks, deliveries, checker, clock, order_id, consume
):
    webhook = _register(webhooks, checker, clock)
    consume(_tracking(order_id, "delivered"))
    sender = FakeSender(500, None, 503)
    dispatcher = _dispatcher(orders, webhooks, deliveries, sender, clock, delays=(10, 60, 300), disable_after=3)
    dispatcher.move_once()
    dispatcher.send_once()
    assert dispatcher.send_once() == 0  # not due yet
    clock.tick(10)
    dispatcher.send_once()
    clock.tick(60)
    dispatcher.send_once()
    [delivery] = deliveries.deliveries.values()
    assert [(a.number, a.status_code) for a in delivery.attempts] == [(1, 500), (2, None), (3, 503)]
    assert delivery.attempts[1].error.startswith("ConnectionRefusedError")
    assert delivery.attempts[0].next_attempt_at == delivery.attempts[0].at + timedelta(seconds=10)
    stored = webhooks.get(webhook.id)
    assert (stored.state, stored.consecutive_failures) == ("disabled", 3)
    clock.tick(300)
    assert dispatcher.send_once() == 1  # the delivery is cancelled, not sent
    assert len(sender.requests) == 3
    assert deliveries.deliveries[delivery.id].state == "cancelled"


def test_a_success_resets_the_failure_count(orders, webhooks, deliveries, checker, clock, order_id, consume):
    webhook = _register(webhooks, checker, clock)
    consume(_tracking(order_id, "delivered"))
    dispatcher = _dispatcher(orders, webhooks, deliveries, FakeSender(500, 204), clock)
    dispatcher.move_once()
    dispatcher.send_once()
    assert webhooks.get(webhook.id).consecutive_failures == 1
    clock.tick(10)
    dispatcher.send_once()
    assert webhooks.get(webhook.id).consecutive_failures == 0


def test_deliveries_of_a_deleted_webhook_are_cancelled(orders, webhooks, deliveries, checker, clock, order_id, consume):
    webhook = _register(webhooks, checker, clock)
    consume(_tracking(order_id, "delivered"))
    sender = FakeSender()
    dispatcher = _dispatcher(orders, webhooks, deliveries, sender, clock)
    dispatcher.move_once()
    delete_webhook(DeleteWebhook("shp_a", webhook.id), webhooks)
    dispatcher.send_once()
    assert sender.requests == []
    [delivery] = deliveries.deliveries.values()
    assert (delivery.state, delivery.cancel_reason) == ("cancelled", "the webhook was deleted")


def test_webhook_settings_come_from_the_environment():
    settings = load_webhook_settings({
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true", "WEBHOOKS_RETRY_DELAYS": "0.1, 0.2",
        "WEBHOOKS_DISABLE_AFTER": "2", "WEBHOOKS_TIMEOUT_SECONDS": "1.5",
    })
    assert settings.allow_private_targets
    assert settings.dispatch.policy == RetryPolicy((0.1, 0.2), 2, 1.5)
    default = load_webhook_settings({})
    assert not default.allow_private_targets and default.dispatch.policy == RetryPolicy()


def test_bad_webhook_settings_are_named_together():
    with pytest.raises(ConfigError) as error:
        load_webhook_settings({"WEBHOOKS_ALLOW_PRIVATE_TARGETS": "yes", "WEBHOOKS_RETRY_DELAYS": "soon",
                               "WEBHOOKS_DISABLE_AFTER": "0"})
    message = str(error.value)
    assert "WEBHOOKS_ALLOW_PRIVATE_TARGETS" in message and "WEBHOOKS_RETRY_DELAYS" in message
    assert "WEBHOOKS_DISABLE_AFTER" in message


def test_a_poll_reads_its_shippers_webhooks_once_and_hints_their_deliveries_before_writing(
    orders, webhooks, checker, clock, body
):
    class CountingWebhooks(FakeWebhookRepository):
        def __init__(self) -> None:
            super().__init__()
            self.lookups = 0

        def active_for_shippers(self, shipper_ids):
            self.lookups += 1
            return super().active_for_shippers(shipper_ids)

    counting = CountingWebhooks()
    _register(counting, checker, clock)
    _register(counting, checker, clock, shipper="shp_b")
    order_ids = [_place(orders, clock, body, shipper=s).order.id for s in ("shp_a", "shp_a", "shp_b")]
    orders.store.commands.clear()
    unit = order_unit(consumer_deps(counting, clock), orders.store, FakePublisher())
    unit.apply([_tracking(o, status) for status in ("picked_up", "delivered") for o in order_ids])
    assert counting.lookups == 1
    assert orders.store.queue_hints == {"webhook_hints": {("orders", o) for o in order_ids}}
    assert orders.store.commands.index("hint webhook_hints") < orders.store.commands.index("write")
    assert all(len(orders.webhook_outbox[o]) == 2 for o in order_ids)
