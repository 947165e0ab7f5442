"""The tracking service against the real FerretDB and Kafka: its own database and throwaway topics."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest

from services.tracking import worker
from services.tracking.bootstrap import TrackingService, bootstrap, create_tracking_app
from shared.batch.runner import BatchRunner
from shared.events.envelope import CloudEvent
from shared.kafka.producer import EventProducer, make_kafka_producer
from tests.integration.tracking.tracking_journey import CHECK_WORD, CREDENTIAL


@pytest.fixture
def topics(make_topic: Callable[..., str]) -> dict[str, str]:
    """Throwaway stand-ins for shipments.v1, carrier-scans.v1 and tracking.v1."""
    return {"shipments": make_topic(), "scans": make_topic(), "tracking": make_topic()}


def _route(topics: dict[str, str]) -> Callable[[str], str]:
    by_type = {"scan.recorded": "scans", "tracking.status_changed": "tracking"}
    return lambda short_type: topics[by_type.get(short_type, "shipments")]


@pytest.fixture
def environ() -> dict[str, str]:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    return {
        **os.environ,
        "TRACKING_MONGODB_URI": f"mongodb://127.0.0.1:{port}/parcelbridge_test_tracking_{uuid.uuid4().hex[:12]}",
        "LOG_LEVEL": "WARNING",
        "SF_CHECK_WORD": CHECK_WORD,
        "UPS_TRACK_ALERT_CREDENTIAL": CREDENTIAL,
        "TRACKING_RATE_LIMIT_PER_SECOND": "0",
        "TRACKING_VIEW_CACHE_SECONDS": "0",  # these tests read a change at once; test_tracking_reads turns it on
    }


@pytest.fixture
def service(environ: dict[str, str], topics: dict[str, str]) -> Iterator[TrackingService]:
    tracking = bootstrap(environ, topic_of=_route(topics))
    yield tracking
    tracking.close()
    tracking.database().client.drop_database(tracking.settings.mongo.database)


@pytest.fixture
def client(service: TrackingService):
    return create_tracking_app(service).test_client()


@pytest.fixture
def publish(service: TrackingService, topics: dict[str, str]) -> Iterator[Callable[[list[CloudEvent]], None]]:
    producer = EventProducer(make_kafka_producer(service.settings.kafka), _route(topics))
    yield producer.publish
    producer.close()


@pytest.fixture
def runner(service: TrackingService, topics: dict[str, str]) -> Iterator[BatchRunner]:
    consumer_runner = worker.consumer_runner(
        service, threading.Event(), topics=[topics["shipments"], topics["scans"]], group=f"test-{uuid.uuid4().hex}",
    )
    yield consumer_runner
    consumer_runner.consumer.close(autocommit=False)
