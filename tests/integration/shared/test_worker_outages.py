"""A transient failure never kills a process: workers ride out a broker kill -9 and a store stop on a broker and
store of their own (see outage_infra), report not-ready meanwhile, and handle the next event once they are back.
The web apps answer 503 with Retry-After, and the console flags a consumer group left with no member.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from pymongo import MongoClient

from ops.registry import settings_of
from services.console.bootstrap import bootstrap as console_bootstrap
from services.shipping.domain.numbers import shipment_id_for_order
from shared.kafka.producer import EventProducer, make_kafka_producer
from tests.integration.shared.outage_infra import PORT_BASE, OutageInfra, answer, wait_for
from tests.integration.shipping.shipping_store_samples import order_placed

# The module's broker and store start once (a minute or more on a busy 2-core machine), then each test runs.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CONSUMER_HEALTH, RELAY_HEALTH, DELIVER_HEALTH = PORT_BASE + 1400, PORT_BASE + 1401, PORT_BASE + 1402


@pytest.fixture(scope="module")
def infra() -> Iterator[OutageInfra]:
    infra = OutageInfra.create()
    infra.stack.cli("infra", "down", check=False)
    infra.stack.cli("infra", "reset", "--yes")
    try:
        infra.up()
        yield infra
    finally:
        infra.stack.cli("infra", "down", check=False)


@pytest.fixture
def place(infra: OutageInfra) -> Callable[[], str]:
    """Publishes a new order.placed on orders.v1 (a producer per call: the broker may have restarted since)."""
    def _place() -> str:
        order_id = f"ord_{uuid.uuid4().hex[:12]}"
        producer = EventProducer(make_kafka_producer(settings_of("shipping", infra.env).kafka))
        try:
            producer.publish([order_placed(order_id)])
        finally:
            producer.close()
        return order_id
    return _place


@pytest.fixture
def booked(infra: OutageInfra) -> Iterator[Callable[[str], bool]]:
    client: MongoClient = MongoClient(infra.stack.mongodb, serverSelectionTimeoutMS=2_000)
    shipments = client["parcelbridge_shipping"]["shipments"]
    yield lambda order_id: shipments.find_one({"_id": shipment_id_for_order(order_id)}) is not None
    client.close()


def _readyz(port: int) -> tuple[int, dict]:
    status, body, _ = answer(f"http://127.0.0.1:{port}/readyz")
    return status, body


def _waits_for(port: int, dependency: str) -> Callable[[], bool]:
    def _check() -> bool:
        status, body = _readyz(port)
        return status == 503 and dependency in body.get("waiting_for", {})
    return _check


def test_a_consumer_rides_out_a_broker_kill_and_books_the_next_order_and_a_worker_started_meanwhile_waits(
    infra: OutageInfra, place, booked,
):
    with infra.worker("services.shipping.worker", "consume", CONSUMER_HEALTH) as consumer:
        first = place()
        wait_for(lambda: booked(first), 60, "the consumer to book an order before the outage")
        infra.kill("kafka")
        not_ready_in = wait_for(_waits_for(CONSUMER_HEALTH, "kafka"), 30, "the consumer's /readyz 503 (kafka)")
        with infra.worker("services.orders.worker", "deliver", DELIVER_HEALTH) as deliverer:
            wait_for(_waits_for(DELIVER_HEALTH, "kafka"), 30, "a deliverer started without a broker to wait")
            back_in = infra.up()
            assert consumer.poll() is None and deliverer.poll() is None
            began = time.monotonic()
            second = place()
            wait_for(lambda: booked(second), 60, "the consumer to book an order placed after the outage")
            booked_in = time.monotonic() - began
            wait_for(lambda: _readyz(DELIVER_HEALTH)[0] == 200, 30, "the deliverer to be ready once the broker is")
        wait_for(lambda: _readyz(CONSUMER_HEALTH)[0] == 200, 30, "the consumer's /readyz 200 again")
        assert consumer.poll() is None
    print(f"\nbroker kill -9: consumer not-ready in {not_ready_in:.1f}s; infra up took {back_in:.1f}s; "
          f"an order placed then was booked in {booked_in:.1f}s")


def test_a_consumer_and_a_sweeper_ride_out_a_store_stop_and_book_what_came_meanwhile(
    infra: OutageInfra, place, booked,
):
    with infra.worker("services.shipping.worker", "consume", CONSUMER_HEALTH) as consumer, \
            infra.worker("services.shipping.worker", "relay", RELAY_HEALTH) as sweeper:
        first = place()
        wait_for(lambda: booked(first), 60, "the consumer to book an order before the outage")
        infra.kill("ferretdb", signal.SIGTERM)
        try:
            during = place()
            not_ready_in = wait_for(_waits_for(CONSUMER_HEALTH, "store"), 30, "the consumer's /readyz 503 (store)")
            wait_for(_waits_for(RELAY_HEALTH, "store"), 30, "the sweeper's /readyz 503 (store)")
            assert consumer.poll() is None and sweeper.poll() is None
        finally:
            back_in = infra.up()
        booked_in = wait_for(lambda: booked(during), 60, "the order placed during the outage to be booked")
        wait_for(lambda: _readyz(CONSUMER_HEALTH)[0] == 200 and _readyz(RELAY_HEALTH)[0] == 200, 30,
                 "both workers ready again")
        assert consumer.poll() is None and sweeper.poll() is None
    print(f"\nstore stop: consumer not-ready in {not_ready_in:.1f}s; infra up took {back_in:.1f}s; "
          f"the order placed meanwhile was booked {booked_in:.1f}s later")


def test_the_orders_api_answers_503_with_retry_after_while_the_store_is_down_and_readyz_within_2s(
    infra: OutageInfra,
):
    key = {"Authorization": "Bearer pbk_" + "x" * 40}
    with infra.web_app("orders") as url:
        assert answer(url + "/v1/orders", headers=key)[0] == 401  # the store answers: an unknown key
        infra.kill("ferretdb", signal.SIGTERM)
        try:
            status, body, headers = answer(url + "/v1/orders", headers=key)
            began = time.monotonic()
            ready_status = answer(url + "/readyz")[0]
            readyz_took = time.monotonic() - began
        finally:
            infra.up()
    assert status == 503, body
    assert headers["Content-Type"] == "application/problem+json" and int(headers["Retry-After"]) > 0
    assert body["status"] == 503 and "database" in body["detail"]
    assert ready_status == 503 and readyz_took < 2.0
    print(f"\nstore down: GET /v1/orders -> {status} Retry-After {headers['Retry-After']}; "
          f"/readyz {ready_status} in {readyz_took:.2f}s")


def test_the_console_flags_a_consumer_group_left_with_no_member_as_critical_within_30s(infra: OutageInfra):
    service = console_bootstrap(infra.env)
    sampler, history = service.sampler(), service.history()

    def shipping_row() -> dict:
        return next(row for row in sampler.round()["groups"] if row["group"] == "shipping")

    try:
        with infra.worker("services.shipping.worker", "consume", CONSUMER_HEALTH) as consumer:
            wait_for(lambda: shipping_row()["members"] > 0, 60, "the shipping group to have a member", 1.0)
            consumer.kill()
            consumer.wait(10)
            began = time.monotonic()
            while sampler.round() and "group-no-members|shipping" not in _firing(history):
                assert time.monotonic() - began < 30, "no critical alert for the empty group within 30 s"
                time.sleep(2)
            flagged_in = time.monotonic() - began
        row = shipping_row()
    finally:
        service.close()
    assert (row["members"], row["lag"], row["status"]) == (0, None, "STOP")
    print(f"\nshipping consumer killed -9: console alert 'group-no-members' firing after {flagged_in:.1f}s")


def _firing(history) -> set[str]:
    return {key for key, state in history.alert_states().items() if state.state == "firing"}
