"""After an outage the console's consumer works through a backlog in full: every parcel ends where it should,
and a poison record among them is dead-lettered alone.

It also prints what catching up took (records/s, store commands by name); no timing is asserted. Run it
alone with `-s` to see the figures.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

from pymongo import monitoring

from services.console.bootstrap import ConsoleService
from services.console.worker import consumer_runner
from shared.batch.runner import BatchRunner
from shared.kafka.producer import EventProducer, OutgoingRecord, catalog_topic, make_kafka_producer
from shared.kafka.topics import CARRIER_SCANS, ORDERS, SHIPMENTS, TRACKING
from tests.integration.shared.kafka_helpers import poll_until
from tests.unit.console.console_events import JOURNEY, T0, ids, journey

JOURNEYS = 250  # x 20 events: a 5,000-record backlog over 250 parcels


class CommandCounter(monitoring.CommandListener):
    """Store commands sent to one database, by name (pymongo's driver-side command monitoring)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.counts: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.database_name == self.database:
            self.counts[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def _topics(make_topic) -> dict[str, str]:
    """A throwaway topic (3 partitions) for each topic the console consumes, by its real name."""
    return {topic.name: make_topic(partitions=3) for topic in (ORDERS, SHIPMENTS, CARRIER_SCANS, TRACKING)}


def _publish_backlog(kafka_settings, topics: dict[str, str], journeys: int, poison: bool = False) -> int:
    """Every journey's events (and, if asked, one record in the middle that is not an event); returns the count."""
    producer = EventProducer(make_kafka_producer(kafka_settings), topic_of=lambda kind: topics[catalog_topic(kind)])
    events = [event for n in range(journeys) for event in journey(n)]
    middle = len(events) // 2
    try:
        producer.publish(events[:middle])
        if poison:
            producer.send_records([OutgoingRecord(topics[CARRIER_SCANS.name], b"PBC7", b'{"not": "an event"', [])])
        producer.publish(events[middle:])
    finally:
        producer.close()
    return len(events) + poison


def _catch_up(console: ConsoleService, topics: dict[str, str], backlog: int) -> BatchRunner:
    """A console consumer in a new group, polled until it consumed the whole backlog, then closed."""
    runner = consumer_runner(console, threading.Event(), topics=list(topics.values()),
                             group=f"test-console-{uuid.uuid4().hex[:8]}", metadata_max_age_ms=500)
    try:
        poll_until(runner, lambda: runner.counts.consumed >= backlog, timeout=240)
    finally:
        runner.consumer.close(autocommit=False)
    return runner


def test_a_backlog_published_while_the_consumer_was_stopped_is_applied_in_full(console: ConsoleService, make_topic,
                                                                              kafka_settings):
    counter = CommandCounter(console.settings.mongo.database)
    monitoring.register(counter)  # before the console's client exists: a client takes the listeners it is made with
    topics = _topics(make_topic)
    backlog = _publish_backlog(kafka_settings, topics, JOURNEYS, poison=True)

    started = time.monotonic()
    runner = _catch_up(console, topics, backlog)
    took = time.monotonic() - started
    commands = dict(counter.counts)
    print(f"\ncaught up {backlog} records in {took:.1f} s ({backlog / took:.0f} records/s); "
          f"{sum(commands.values())} store commands ({sum(commands.values()) / backlog:.2f} a record): {commands}")

    assert (runner.counts.applied, runner.counts.dead_lettered) == (backlog - 1, 1)  # the poison one alone
    model = console.model()
    for n in range(JOURNEYS):
        order_id, shipment_id = ids(n)
        parcel = model.parcel(shipment_id)
        assert (parcel["stage"], parcel["placed_at"], parcel["order_id"]) == ("delivered", T0, order_id)
        assert len(parcel["trace"]) == 1 + 2 * len(JOURNEY)
        assert {entry["topic"] for entry in parcel["trace"]} == {topics[name] for name in
                                                                 (SHIPMENTS.name, CARRIER_SCANS.name, TRACKING.name)}
        assert model.order(order_id)["stage"] == "booked"
        assert model.resolve(f"SF{n:013d}") == shipment_id
    assert len(model.rows("exceptions")) == JOURNEYS  # each journey's customs hold, once


def test_a_backlog_read_again_from_the_start_changes_nothing(console: ConsoleService, make_topic, kafka_settings):
    topics = _topics(make_topic)
    backlog = _publish_backlog(kafka_settings, topics, journeys=20)
    _catch_up(console, topics, backlog)
    stored = _everything(console)

    again = _catch_up(console, topics, backlog)  # every record redelivered, to a unit with nothing cached

    assert (again.counts.applied, again.counts.dead_lettered) == (backlog, 0)
    assert _everything(console) == stored


def _everything(console: ConsoleService) -> dict[str, dict]:
    """Every stored document but its bookkeeping: an order placed before its booking was read first joins
    its parcel only when read again (the parcel's version and applied events move; nothing it shows does)."""
    db = console.database()
    return {name: {d["_id"]: {k: v for k, v in d.items() if k not in ("version", "applied_events")}
                   for d in db[name].find()} for name in ("parcels", "orders", "aliases", "exceptions")}
