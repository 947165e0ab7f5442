"""Kafka's own replication promise, through our outbox: every acknowledged event is consumed and applied once.

On a 3-node cluster (replication 3, min.insync.replicas 2), orders are placed at a steady rate by the orders
handler (the order and its `order.placed` written in one document, then published by the request path, or by the
orders relay when the broker does not acknowledge in time) and booked by the real shipping consumer, while the
leader of orders.v1's first partition is failed 5 times, alternately stopped cleanly and killed with SIGKILL, and
restarted each time with `parcelbridge infra up`.
"""

from __future__ import annotations

import time

import pytest
from kafka import KafkaAdminClient

from ops.infra import processes
from ops.infra.isolated import IsolatedStack
from ops.infra.layout import PROJECT_ROOT, Layout
from ops.registry import settings_of
from services.orders import handlers
from services.orders.bootstrap import OrdersService, load_sweeper_settings
from services.orders.domain.commands import CreateShipper
from shared.config import load_infra_settings
from shared.kafka.admin import admin_client
from tests.replication import nodes
from tests.replication.audit import delivery, topic_events
from tests.replication.workers import CountingPublisher, OrderTraffic, Workers

pytestmark = pytest.mark.replication
FAILURES = ("SIGTERM", "SIGKILL", "SIGTERM", "SIGKILL", "SIGTERM")
RATE = 10.0  # orders a second, through the whole run
WATCHED = ("orders.v1", 0)
# In sync again before the next failure, so no failure ever leaves fewer than min.insync.replicas.
REPLICATED = ["orders.v1", "shipments.v1", "__consumer_offsets"]
PLACED = "com.parcelbridge.order.placed.v1"
BOOKED = "com.parcelbridge.shipment.booked.v1"


@pytest.mark.timeout(1200)  # each restart is a JVM start: ~10 s on an idle machine, 100 s on a crowded one
def test_every_acknowledged_order_is_consumed_and_booked_once_across_five_leader_failures(cluster, capsys):
    layout = Layout(load_infra_settings(environ=cluster.env, root=PROJECT_ROOT))
    service = OrdersService(settings_of("orders", cluster.env), sweeper=load_sweeper_settings(cluster.env))
    counted = CountingPublisher(service.publisher)
    service.publisher = counted
    shipper = handlers.create_shipper(CreateShipper("replication test"), service.shippers()).shipper
    workers = Workers(layout, cluster.env)
    traffic = OrderTraffic(service, shipper.id, RATE)
    admin = admin_client(service.settings.kafka.bootstrap_servers, client_id="replication-test")
    began = time.monotonic()

    def say(line: str) -> None:
        with capsys.disabled():
            print(f"[{time.monotonic() - began:5.0f}s] {line}", flush=True)

    try:
        workers.start()
        traffic.start()
        failovers = [_fail_leader(cluster, layout, admin, how, say) for how in FAILURES]
        time.sleep(2)  # orders placed after the last restart too
        traffic.stop()
        booked_in = _wait_until_booked(service, cluster.env, traffic.placed)
    finally:
        workers.stop()
        traffic.stop()
        counted.inner.close()
        admin.close()
    bootstrap = service.settings.kafka.bootstrap_servers
    consumed = delivery(topic_events(bootstrap, "orders.v1"), PLACED, traffic.placed)
    applied = delivery(topic_events(bootstrap, "shipments.v1"), BOOKED, traffic.placed,
                       subject_of=lambda e: e["data"]["order_id"])
    with capsys.disabled():
        _report(traffic, counted, consumed, applied, failovers, workers, booked_in, time.monotonic() - began)

    assert len(traffic.placed) >= RATE * 20, "too little traffic to say anything"
    assert consumed.lost == [], f"{len(consumed.lost)} acknowledged orders never reached orders.v1"
    assert applied.lost == [] and applied.repeated == [], "an order was not booked, or booked more than once"
    assert counted.acked + counted.unacked >= len(traffic.placed)
    assert all(f.elected_s < 30 for f in failovers)


def _fail_leader(cluster: IsolatedStack, layout: Layout, admin: KafkaAdminClient, how: str,
                 say) -> nodes.Failover:
    time.sleep(2)  # traffic flows to this leader first
    leader = nodes.leader_of(admin, *WATCHED)
    assert leader > 0, f"{WATCHED} has no leader before the failure"
    name = "kafka" if leader == 1 else f"kafka-{leader}"
    failed_at = time.monotonic()
    pid = nodes.signal_node(layout.pid_file(name), how)
    nodes.wait_for_leader_other_than(admin, *WATCHED, gone=leader)
    elected = time.monotonic() - failed_at
    nodes.wait_gone(pid)
    restarted_at = time.monotonic()
    cluster.cli("infra", "up")  # the supported way back: starts only the node that is down
    nodes.wait_in_sync(admin, REPLICATED)
    failover = nodes.Failover(leader, how, elected, time.monotonic() - restarted_at)
    say(f"node {leader} {how}: new leader after {elected:.2f}s, back in sync {failover.rejoined_s:.1f}s after restart")
    return failover


def _wait_until_booked(service: OrdersService, env: dict[str, str], order_ids: list[str],
                       timeout: float = 120.0) -> float:
    """Seconds until the shipping store holds a shipment for every order; fails naming how many are missing."""
    shipments = service.database().client[settings_of("shipping", env).mongo.database]["shipments"]
    began = time.monotonic()
    wanted = set(order_ids)

    def missing() -> int:
        return len(wanted - {d["order_id"] for d in shipments.find({}, {"order_id": 1})})

    booked = processes.wait_until(lambda: missing() == 0, timeout, interval=1.0)
    assert booked, f"{missing()} of {len(wanted)} orders have no shipment {timeout:.0f}s after the traffic stopped"
    return time.monotonic() - began


def _report(traffic, counted, consumed, applied, failovers, workers, booked_in: float, took: float) -> None:
    print(f"\nreplication: {len(failovers)} leader failures of {WATCHED[0]}[{WATCHED[1]}] in {took:.0f}s, "
          f"{RATE:.0f} orders/s")
    for n, f in enumerate(failovers, 1):
        print(f"  failure {n}: node {f.node} {f.how:<7} new leader after {f.elected_s:5.2f}s, "
              f"restarted and in sync after {f.rejoined_s:5.1f}s")
    print(f"  events produced (orders written with their outbox): {len(traffic.placed)}; writes refused: "
          f"{len(traffic.refused)}")
    print(f"  acked by the broker on the request path: {counted.acked}; left to the sweeper: {counted.unacked}")
    print(f"  consumed from orders.v1: {consumed.records} records, {consumed.distinct} distinct, "
          f"{consumed.duplicates} duplicates, {len(consumed.lost)} lost")
    print(f"  applied (shipment.booked per order): {applied.distinct} distinct, {len(applied.repeated)} more than "
          f"once, {len(applied.lost)} never; all booked {booked_in:.1f}s after the traffic stopped")
    print(f"  worker restarts after an exit: {workers.restarts}")
