"""The deliverer's in-memory schedule and its pace: no store reads to find due deliveries, long idle waits."""

import threading

import pytest

from services.orders.bootstrap import load_webhook_settings
from services.orders.webhooks.adapters.schedule import ScheduledDeliveries
from services.orders.webhooks.delivery import DispatchSettings, Pace, WebhookDispatcher
from services.orders.webhooks.domain.model import RetryPolicy
from shared.errors import ConfigError
from tests.unit.orders.conftest import FakeDeliveryQueue, FakeDeliveryRepository, FakeSender
from tests.unit.orders.test_orders_handlers import _place, _tracking
from tests.unit.orders.test_orders_webhook_delivery import _register

PACE = Pace(busy_wait=0.01, linger=0.05, sweep_every=30)


class CountingDeliveryStore(FakeDeliveryRepository):
    """The fake delivery log, counting how often the schedule was asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.due_reads = 0

    def due(self, now, limit):
        self.due_reads += 1
        return super().due(now, limit)


class ScriptedDoorbell:
    """Rings as scripted, records the waits asked of it, and stops the loop when the script ends."""

    def __init__(self, *rings: bool) -> None:
        self.rings = list(rings)
        self.waits: list[float] = []

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        self.waits.append(timeout)
        if not self.rings:
            stop.set()
            return False
        return self.rings.pop(0)


def _dispatcher(orders, webhooks, store, sender, clock):
    settings = DispatchSettings(RetryPolicy((10, 60), 5, timeout=1), batch=50, concurrency=2, pace=PACE)
    return WebhookDispatcher(FakeDeliveryQueue(orders), webhooks, ScheduledDeliveries(store), sender, settings, clock)


def _queue_one(orders, webhooks, checker, clock, body, consume):
    order_id = _place(orders, clock, body).order.id
    _register(webhooks, checker, clock)
    consume(_tracking(order_id, "delivered"))


def test_due_deliveries_are_found_without_reading_the_store_again(orders, webhooks, checker, clock, body, consume):
    store = CountingDeliveryStore()
    _queue_one(orders, webhooks, checker, clock, body, consume)
    sender = FakeSender(500, 204)
    dispatcher = _dispatcher(orders, webhooks, store, sender, clock)
    dispatcher.move_once()
    assert dispatcher.send_once() == 1
    assert dispatcher.send_once() == 0  # retry not due yet
    clock.tick(10)
    assert dispatcher.send_once() == 1
    assert dispatcher.send_once() == 0
    assert store.due_reads == 1
    [delivery] = store.deliveries.values()
    assert (delivery.state, [a.status_code for a in delivery.attempts]) == ("delivered", [500, 204])


def test_a_pending_delivery_stored_before_the_start_is_sent(orders, webhooks, checker, clock, body, consume):
    store = CountingDeliveryStore()
    _queue_one(orders, webhooks, checker, clock, body, consume)
    _dispatcher(orders, webhooks, store, FakeSender(500), clock).move_once()  # a first deliverer, then gone
    sender = FakeSender(204)
    restarted = _dispatcher(orders, webhooks, store, sender, clock)
    assert restarted.send_once() == 1
    assert len(sender.requests) == 1 and [d.state for d in store.deliveries.values()] == ["delivered"]


def test_an_idle_deliverer_waits_for_the_doorbell_up_to_the_sweep_interval(orders, webhooks, clock):
    doorbell = ScriptedDoorbell(False)
    _dispatcher(orders, webhooks, CountingDeliveryStore(), FakeSender(), clock).run(threading.Event(), doorbell)
    assert doorbell.waits == [PACE.sweep_every, PACE.sweep_every]


def test_an_idle_deliverer_wakes_when_a_retry_falls_due(orders, webhooks, checker, clock, body, consume):
    _queue_one(orders, webhooks, checker, clock, body, consume)
    dispatcher = _dispatcher(orders, webhooks, CountingDeliveryStore(), FakeSender(500), clock)
    dispatcher.move_once()
    dispatcher.send_once()
    clock.tick(4)
    doorbell = ScriptedDoorbell()
    dispatcher.run(threading.Event(), doorbell)
    assert doorbell.waits == [6.0]


def test_a_ring_makes_the_deliverer_look_again_soon_then_idle_again(orders, webhooks, clock):
    doorbell = ScriptedDoorbell(True)
    stop = threading.Event()
    _dispatcher(orders, webhooks, CountingDeliveryStore(), FakeSender(), clock).run(stop, doorbell)
    # Rung once: quick passes for `linger` seconds without asking the doorbell, then one idle wait that ends it.
    assert doorbell.waits == [PACE.sweep_every, PACE.sweep_every]
    assert stop.is_set()


def test_the_sweep_interval_comes_from_the_environment():
    assert load_webhook_settings({"WEBHOOKS_SWEEP_SECONDS": "12"}).dispatch.pace.sweep_every == 12
    assert load_webhook_settings({}).dispatch.pace.sweep_every == 5
    with pytest.raises(ConfigError, match="WEBHOOKS_SWEEP_SECONDS"):
        load_webhook_settings({"WEBHOOKS_SWEEP_SECONDS": "0"})
