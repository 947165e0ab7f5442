"""The limits of the parts we build on, measured on the same stack in the same run.

- Kafka: kafka-python producing (the services' producer settings) and consuming (their consumer settings,
  committing after each polled batch as the services do) records of a real `scan.recorded` event's size.
- Store: `insert_one` and `find_one({_id})` of a real tracker document, one client thread (as one consumer).
- HTTP: a trivial Flask endpoint under the services' gunicorn config, at the most a closed loop of vegeta
  clients gets through (the same generator and clients as the tracking GET maximum it is compared with).
"""

from __future__ import annotations

import copy
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import bson
import requests
from kafka import KafkaConsumer
from kafka.admin import NewTopic

from bench.stack import Bench
from bench.vegeta import NAME, Attack, Target, Vegeta
from ops.infra.layout import DEPLOY_LOCAL, PROJECT_ROOT
from shared.kafka.admin import admin_client
from shared.kafka.producer import make_kafka_producer
from shared.kafka.topics import CARRIER_SCANS

CEILING_TOPIC = "bench.ceiling"
TRIVIAL_PORT_OFFSET = 1010  # beside the isolated stack's APIs (+1001..+1004)


def kafka(bench: Bench, value: bytes, records: int) -> dict[str, Any]:
    """Produce then consume `records` records of `value`'s size on a topic shaped like carrier-scans.v1."""
    _create_topic(bench)
    produced = _produce(bench, value, records)
    consumed = _consume(bench, records)
    return {"record_bytes": len(value), "records": records, "produce_per_s": produced,
            "consume_per_s": consumed, "partitions": CARRIER_SCANS.partitions}


def _create_topic(bench: Bench) -> None:
    admin = admin_client(bench.kafka.bootstrap_servers)
    try:
        if CEILING_TOPIC not in admin.list_topics():
            admin.create_topics([NewTopic(CEILING_TOPIC, CARRIER_SCANS.partitions, 1)])
    finally:
        admin.close()


def _produce(bench: Bench, value: bytes, records: int) -> float:
    producer = make_kafka_producer(bench.kafka)
    keys = [uuid.uuid4().hex.encode() for _ in range(min(records, 4000))]  # spread over partitions like ids
    began = time.perf_counter()
    for n in range(records):
        producer.send(CEILING_TOPIC, key=keys[n % len(keys)], value=value)
    producer.flush()
    elapsed = time.perf_counter() - began
    producer.close()
    return round(records / elapsed, 1)


def _consume(bench: Bench, records: int) -> float:
    consumer = KafkaConsumer(
        CEILING_TOPIC, bootstrap_servers=list(bench.kafka.bootstrap_servers), group_id="bench-ceiling",
        enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=200,
    )
    seen, began = 0, None
    deadline = time.perf_counter() + 300
    while seen < records and time.perf_counter() < deadline:
        batch = consumer.poll(timeout_ms=500)
        if batch:
            began = began or time.perf_counter()  # from the first record: group join is not throughput
            seen += sum(len(r) for r in batch.values())
            consumer.commit()
    elapsed = time.perf_counter() - (began or time.perf_counter())
    consumer.close()
    return round(seen / elapsed, 1) if elapsed else 0.0


def store(bench: Bench, document: dict[str, Any], operations: int) -> dict[str, Any]:
    """insert_one and find_one-by-_id rates for copies of `document` in a scratch database."""
    collection = bench.database("bench_ceiling")["trackers"]
    collection.drop()
    ids = [f"CEIL{n:08d}" for n in range(operations)]
    began = time.perf_counter()
    for doc_id in ids:
        collection.insert_one({**copy.copy(document), "_id": doc_id})
    inserted = time.perf_counter() - began
    began = time.perf_counter()
    for doc_id in reversed(ids):
        collection.find_one({"_id": doc_id})
    read = time.perf_counter() - began
    collection.drop()
    return {"document_bytes": _bson_size(document), "operations": operations,
            "insert_per_s": round(operations / inserted, 1), "read_by_id_per_s": round(operations / read, 1)}


def _bson_size(document: dict[str, Any]) -> int:
    return len(bson.encode(document))


def trivial_http(bench: Bench, vegeta: Vegeta, clients: int, duration_s: float) -> dict[str, Any]:
    """Requests/s of GET /ping under deploy/local/gunicorn.conf.py, with the services' worker settings."""
    port = int(bench.stack.env["TRACKING_PORT"]) - 1003 + TRIVIAL_PORT_OFFSET
    url = f"http://127.0.0.1:{port}/ping"
    with _gunicorn(bench, port, url):
        result = vegeta.attack([Target(url)], Attack(0, duration_s, clients), (200,))
    return result | {"clients": clients, "requests_per_s": result["ok_per_s"], "generator": NAME,
                     "endpoint": "GET /ping (Flask, jsonify)", "gunicorn_config": "deploy/local/gunicorn.conf.py"}


@contextmanager
def _gunicorn(bench: Bench, port: int, url: str) -> Iterator[None]:
    command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY_LOCAL / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "bench.trivial_app:app"]
    log = open(bench.stack.logs / "bench-trivial.log", "ab")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(command, env=bench.stack.env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    try:
        _wait_answering(url, server)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_answering(url: str, server: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"the trivial endpoint did not answer at {url}")
