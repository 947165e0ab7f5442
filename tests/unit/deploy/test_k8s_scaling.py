"""Kafka, MongoDB and autoscaling in deploy/k8s as the code declares them: topics, partitions, groups, replicas."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from ops.registry import SERVICES
from services.console import worker as console_worker
from services.orders import worker as orders_worker
from services.shipping import worker as shipping_worker
from services.tracking import worker as tracking_worker
from shared.kafka.admin import topic_specs
from shared.kafka.topics import TOPICS
from tests.unit.deploy import manifests

PARTITIONS = {topic.name: topic.partitions for topic in TOPICS}
# Each service's consumer group and what it reads, from the code that subscribes it.
GROUPS = {
    "orders": (orders_worker.GROUP, set(orders_worker.TOPICS)),
    "shipping": (shipping_worker.GROUP, set(shipping_worker.TOPICS)),
    "tracking": (tracking_worker.GROUP, set(tracking_worker.TOPICS)),
    "console": (console_worker.GROUP, set(console_worker.TOPICS)),
}
# Services whose consumers may run as several copies (their manifests say so).
SCALABLE = tuple(m.name for m in SERVICES if m.scalable_consumers)


@pytest.fixture
def resources() -> list[dict]:
    return manifests.rendered()


def test_every_topic_and_dead_letter_topic_is_a_kafka_topic_as_the_code_declares_it(resources):
    declared = manifests.of_kind(resources, "KafkaTopic")
    expected = topic_specs(TOPICS, brokers=3)
    assert set(declared) == set(expected)
    for name, spec in expected.items():
        topic = declared[name]["spec"]
        assert (topic["partitions"], topic["replicas"]) == (spec["num_partitions"], spec["replication_factor"]), name
        assert topic["config"] == spec["configs"], name
        assert topic["config"]["min.insync.replicas"] == "2", name


def test_kafka_is_three_kraft_nodes_replicating_three_ways_with_two_in_sync(resources):
    (cluster,) = manifests.of_kind(resources, "Kafka").values()
    (pool,) = manifests.of_kind(resources, "KafkaNodePool").values()
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == cluster["metadata"]["name"]
    assert pool["spec"]["replicas"] == 3 and set(pool["spec"]["roles"]) == {"controller", "broker"}
    config = cluster["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == config["offsets.topic.replication.factor"] == 3
    assert config["min.insync.replicas"] == config["transaction.state.log.min.isr"] == 2
    assert config["auto.create.topics.enable"] is False
    for topic in manifests.of_kind(resources, "KafkaTopic").values():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == cluster["metadata"]["name"]


def test_services_and_autoscalers_use_the_bootstrap_service_of_the_declared_cluster(resources):
    (cluster,) = manifests.of_kind(resources, "Kafka").values()
    namespace = cluster["metadata"]["namespace"]
    address = f"{cluster['metadata']['name']}-kafka-bootstrap.{namespace}.svc:9092"
    common = manifests.of_kind(resources, "ConfigMap")["parcelbridge-common"]
    assert common["data"]["KAFKA_BOOTSTRAP_SERVERS"] == address
    for scaled in manifests.of_kind(resources, "ScaledObject").values():
        assert {t["metadata"]["bootstrapServers"] for t in scaled["spec"]["triggers"]} == {address}


def test_scalable_consumers_scale_on_their_groups_lag_capped_at_the_partitions(resources):
    scaled = manifests.of_kind(resources, "ScaledObject")
    assert set(scaled) == {f"{service}-worker" for service in SCALABLE}
    for service in SCALABLE:
        group, topics = GROUPS[service]
        spec = scaled[f"{service}-worker"]["spec"]
        assert spec["scaleTargetRef"]["name"] == f"{service}-worker"
        assert {t["metadata"]["topic"] for t in spec["triggers"]} == topics, service
        assert {t["metadata"]["consumerGroup"] for t in spec["triggers"]} == {group}, service
        assert all(t["type"] == "kafka" for t in spec["triggers"])
        # Past the most partitions of any topic it reads, another consumer would get no partition at all.
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= max(PARTITIONS[t] for t in topics)


def test_a_consumer_the_code_does_not_scale_runs_alone_and_is_replaced_not_rolled(resources):
    deployments = manifests.of_kind(resources, "Deployment")
    for service in set(GROUPS) - set(SCALABLE):
        worker = deployments[f"{service}-worker"]["spec"]
        assert worker["replicas"] == 1 and worker["strategy"]["type"] == "Recreate", service


def test_every_web_app_has_a_service_and_scales_on_cpu_keeping_two_replicas(resources):
    services = manifests.of_kind(resources, "Service")
    autoscalers = manifests.of_kind(resources, "HorizontalPodAutoscaler")
    deployments = manifests.of_kind(resources, "Deployment")
    for name in [name for name in deployments if name.endswith("-api")]:
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= pod_labels.items(), name
        assert services[name]["spec"]["ports"][0]["targetPort"] == "http"
        hpa = autoscalers[name]["spec"]
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert hpa["minReplicas"] >= 2 and hpa["maxReplicas"] > hpa["minReplicas"]
        assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]


def test_every_deployment_has_a_disruption_budget_over_its_own_pods(resources):
    budgets = manifests.of_kind(resources, "PodDisruptionBudget")
    for name, deployment in manifests.of_kind(resources, "Deployment").items():
        selector = budgets[name]["spec"]["selector"]["matchLabels"]
        assert selector == deployment["spec"]["selector"]["matchLabels"], name
        # A one-replica process must still let a node drain: at most one pod down, never "one always up".
        assert "maxUnavailable" in budgets[name]["spec"] or deployment["spec"]["replicas"] >= 2, name


def test_every_container_requests_resources_within_its_limits(resources):
    workloads = [r for r in resources if r["kind"] in ("Deployment", "Job")]
    for workload in workloads:
        limits = manifests.container(workload)["resources"]
        assert set(limits["requests"]) == {"cpu", "memory"}, workload["metadata"]["name"]
        assert _mebibytes(limits["requests"]["memory"]) <= _mebibytes(limits["limits"]["memory"])


def _mebibytes(quantity: str) -> int:
    return int(quantity[:-2]) * (1024 if quantity.endswith("Gi") else 1)


def test_mongodb_is_a_three_member_replica_set_whose_user_may_write_every_service_database(resources):
    (replica_set,) = manifests.of_kind(resources, "MongoDBCommunity").values()
    assert replica_set["spec"]["members"] == 3 and replica_set["spec"]["type"] == "ReplicaSet"
    (user,) = replica_set["spec"]["users"]
    uris = manifests.secrets_example()["parcelbridge-mongodb"]["stringData"]
    databases = {urlparse(uri).path.lstrip("/") for uri in uris.values()}
    assert {(role["name"], role["db"]) for role in user["roles"]} == {("readWrite", db) for db in databases}
    assert all(f"{user['name']}:" in uri and f"replicaSet={replica_set['metadata']['name']}" in uri
               for uri in uris.values())
