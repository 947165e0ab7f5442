"""Topic and group dashboards show what the broker holds: offsets, lag, "n/a", data loss, status."""

from __future__ import annotations

import uuid

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from services.console.adapters.readmodel import ALIASES
from services.console.adapters.rows import MongoInsertOnce
from shared.kafka.producer import make_kafka_producer


def _produce(settings, topic: str, per_partition: int) -> None:
    producer = make_kafka_producer(settings)
    for partition in (0, 1):
        for i in range(per_partition):
            producer.send(topic, key=f"PB{i}".encode(), value=b'{"n": %d}' % i, partition=partition)
    producer.flush()
    producer.close()


def _commit(settings, group: str, offsets: dict[TopicPartition, int]) -> None:
    consumer = KafkaConsumer(bootstrap_servers=list(settings.bootstrap_servers), group_id=group,
                             enable_auto_commit=False)
    consumer.assign(list(offsets))
    consumer.commit({tp: OffsetAndMetadata(o, "", -1) for tp, o in offsets.items()})
    consumer.close(autocommit=False)


def test_topics_show_real_offsets_and_the_groups_reading_them_with_lag(console, as_role, make_topic, kafka_settings):
    topic = make_topic(partitions=2)
    group = f"test-console-{uuid.uuid4().hex[:8]}"
    _produce(kafka_settings, topic, per_partition=5)
    _commit(kafka_settings, group, {TopicPartition(topic, 0): 2})
    viewer = as_role("viewer")

    rows = {t["name"]: t for t in viewer.get("/api/topics").json["topics"]}
    row = rows[topic]
    assert (row["partitions"], row["start"], row["end"], row["messages"]) == (2, 0, 10, 10)
    assert {"group": group, "lag": 3, "status": None} in row["groups"]
    assert topic in viewer.get("/topics").text


def test_a_group_shows_per_partition_lag_na_without_commit_and_its_status(console, as_role, make_topic,
                                                                          kafka_settings):
    topic = make_topic(partitions=2)
    group = f"test-console-{uuid.uuid4().hex[:8]}"
    _produce(kafka_settings, topic, per_partition=5)
    _commit(kafka_settings, group, {TopicPartition(topic, 0): 2})
    for _ in range(3):
        console.sampler().round()
    viewer = as_role("viewer")

    detail = viewer.get(f"/api/groups/{group}").json
    by_partition = {(p["topic"], p["partition"]): p for p in detail["partitions"]}
    assert by_partition[(topic, 0)]["lag"] == 3
    assert by_partition[(topic, 0)]["lag_seconds"] > 0
    assert by_partition[(topic, 1)]["lag_display"] == "n/a"
    assert detail["lag"] == 3
    assert detail["status"] == "STOP"  # nobody consumes, the offset stood still across the window, lag > 0
    assert len(detail["history"]) == 4
    listed = {g["group"]: g for g in viewer.get("/api/groups").json["groups"]}
    assert listed[group]["lag"] == 3
    page = viewer.get(f"/groups/{group}").text
    assert "n/a" in page and "STOP" in page


def test_a_commit_below_the_log_start_is_shown_as_data_loss(console, as_role, make_topic, kafka_settings, admin):
    topic = make_topic(partitions=2)
    group = f"test-console-{uuid.uuid4().hex[:8]}"
    _produce(kafka_settings, topic, per_partition=5)
    _commit(kafka_settings, group, {TopicPartition(topic, 0): 1})
    admin.delete_records({TopicPartition(topic, 0): 4})

    detail = as_role("viewer").get(f"/api/groups/{group}").json
    p0 = next(p for p in detail["partitions"] if p["partition"] == 0)
    assert (p0["data_loss"], p0["lost"], p0["lag"]) == (True, 3, 1)
    assert detail["data_loss"]


def test_the_browser_finds_records_by_any_parcel_number_newest_first(console, as_role, make_topic, kafka_settings):
    topic = make_topic(partitions=2)
    _produce(kafka_settings, topic, per_partition=5)
    MongoInsertOnce(console.database()).add(
        ALIASES, [{"_id": n, "shipment_id": "PB3"} for n in ("PB3", "SF0000000000003", "1Z0000000000000003")])
    viewer = as_role("viewer")

    found = viewer.get(f"/api/topics/{topic}/messages", query_string={"key": "sf0000000000003"}).json
    assert {(r["key"], r["partition"]) for r in found["records"]} == {("PB3", 0), ("PB3", 1)}
    newest = viewer.get(f"/api/topics/{topic}/messages", query_string={"partition": 0, "limit": 2}).json
    assert [r["offset"] for r in newest["records"]] == [4, 3]
    seek = viewer.get(f"/api/topics/{topic}/messages", query_string={"partition": 0, "offset": 2, "limit": 2}).json
    assert [r["offset"] for r in seek["records"]] == [2, 1]
    texts = viewer.get(f"/api/topics/{topic}/messages", query_string={"q": '"n": 4'}).json
    assert {r["offset"] for r in texts["records"]} == {4}
