"""A local KRaft cluster's nodes, its topics' replication, and the clients' bootstrap list."""

from pathlib import Path

from ops.infra.brokers import nodes, voters
from shared.config import InfraSettings, load_infra_settings, local_kafka_addresses
from shared.kafka.admin import topic_specs
from shared.kafka.topics import TOPICS, replication_for


def _settings(brokers: int) -> InfraSettings:
    return InfraSettings(Path("/nowhere"), kafka_port=24002, kafka_controller_port=24003, ferretdb_port=24018,
                         kafka_heap="384m", kafka_brokers=brokers)


def test_three_nodes_take_ports_ten_apart_clear_of_the_store():
    found = [(n.name, n.broker_port, n.controller_port) for n in nodes(_settings(3))]
    assert found == [("kafka", 24002, 24003), ("kafka-2", 24012, 24013), ("kafka-3", 24022, 24023)]
    assert 24018 not in {port for _, *ports in found for port in ports}


def test_every_node_votes_in_one_static_quorum():
    assert voters(_settings(3)) == "1@127.0.0.1:24003,2@127.0.0.1:24013,3@127.0.0.1:24023"


def test_replication_follows_the_broker_count():
    assert [replication_for(n) for n in (1, 2, 3, 5)] == [(1, 1), (2, 1), (3, 2), (3, 2)]


def test_a_single_broker_keeps_its_topics_as_they_were():
    spec = topic_specs(TOPICS)["orders.v1"]
    assert spec["replication_factor"] == 1 and "min.insync.replicas" not in spec["configs"]


def test_on_three_brokers_every_topic_has_three_replicas_and_needs_two_in_sync():
    specs = topic_specs(TOPICS, brokers=3)
    assert {s["replication_factor"] for s in specs.values()} == {3}
    assert {s["configs"]["min.insync.replicas"] for s in specs.values()} == {"2"}


def test_clients_bootstrap_from_every_local_node():
    env = {"PARCELBRIDGE_KAFKA_PORT": "24002", "PARCELBRIDGE_KAFKA_BROKERS": "3"}
    assert local_kafka_addresses(env) == ["127.0.0.1:24002", "127.0.0.1:24012", "127.0.0.1:24022"]
    assert local_kafka_addresses({}) == ["127.0.0.1:19092"]


def test_broker_count_comes_from_the_environment(tmp_path):
    assert load_infra_settings(environ={}, root=tmp_path).kafka_brokers == 1
    assert load_infra_settings(environ={"PARCELBRIDGE_KAFKA_BROKERS": "3"}, root=tmp_path).kafka_brokers == 3
