"""deploy/compose cannot run here (no Docker engine); this keeps it in step with the code."""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from ops import stack
from ops.infra import stack_config
from ops.infra.layout import PROJECT_ROOT
from ops.registry import SERVICE_NAMES, SERVICES, variables_of
from services.orders import worker as orders_worker
from services.shipping import worker as shipping_worker
from services.tracking import worker as tracking_worker
from shared.kafka.topics import TOPICS, replication_for

COMPOSE = Path(__file__).resolve().parents[3] / "deploy" / "compose" / "docker-compose.yml"
BROKERS = ("kafka-1", "kafka-2", "kafka-3")
MONGO_MEMBERS = ("mongo-1", "mongo-2", "mongo-3")
# Services whose consumers may run as several copies (their manifests say so).
SCALABLE = tuple(m.name for m in SERVICES if m.scalable_consumers)


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_three_kafka_nodes_and_three_mongodb_members_with_health_checks():
    services = _compose()["services"]
    for name in BROKERS:
        assert services[name]["image"].startswith("apache/kafka:4."), name
        assert "healthcheck" in services[name], name
    for name in MONGO_MEMBERS:
        assert services[name]["image"].startswith("mongo:"), name
        assert "healthcheck" in services[name], name


def test_the_kafka_nodes_form_one_kraft_cluster_with_production_replication():
    services = _compose()["services"]
    envs = [services[name]["environment"] for name in BROKERS]
    assert len({env["CLUSTER_ID"] for env in envs}) == 1
    assert sorted(env["KAFKA_NODE_ID"] for env in envs) == ["1", "2", "3"]
    voters = {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in envs}
    assert voters == {",".join(f"{n}@{name}:9093" for n, name in enumerate(BROKERS, 1))}
    factor, min_insync = replication_for(len(BROKERS))
    for env in envs:
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == str(factor)
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == str(factor)
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == str(min_insync)


def test_the_mongodb_members_are_one_replica_set_initiated_once_before_any_service_starts():
    services = _compose()["services"]
    names = {services[name]["command"][services[name]["command"].index("--replSet") + 1] for name in MONGO_MEMBERS}
    assert len(names) == 1
    (replica_set,) = names
    init = services["mongo-init"]
    script = init["command"][-1]
    assert f'_id: "{replica_set}"' in script and all(f'"{name}:27017"' in script for name in MONGO_MEMBERS)
    assert init["restart"] == "no"
    for service in SERVICE_NAMES:
        depends = services[f"{service}-api"]["depends_on"]
        assert depends["mongo-init"] == {"condition": "service_completed_successfully"}
        uri = urlparse(services[f"{service}-api"]["environment"][f"{service.upper()}_MONGODB_URI"])
        assert parse_qs(uri.query)["replicaSet"] == [replica_set]
        assert uri.netloc == ",".join(f"{name}:27017" for name in MONGO_MEMBERS)


def test_compose_names_every_service_process():
    names = set(_compose()["services"])
    for service in SERVICE_NAMES:
        assert {f"{service}-api", f"{service}-worker", f"{service}-relay"} <= names


def test_compose_runs_each_process_with_the_command_the_local_stack_uses(monkeypatch: pytest.MonkeyPatch):
    services = _compose()["services"]
    for service in stack.available_services():
        for name in [name for name in os.environ if stack_config.is_stack_variable(name)]:
            monkeypatch.delenv(name)
        for name, value in services[f"{service}-api"]["environment"].items():
            monkeypatch.setenv(name, value)
        for process in stack.service_processes(service, python="python"):
            command = [os.path.relpath(part, PROJECT_ROOT) if part.startswith(str(PROJECT_ROOT)) else part
                       for part in process.command]
            assert services[process.name]["command"] == command, process.name


def test_compose_sets_exactly_the_variables_the_code_reads():
    services = _compose()["services"]
    for service in SERVICE_NAMES:
        for process in ("api", "worker", "relay"):
            env = set(services[f"{service}-{process}"]["environment"])
            required = {"KAFKA_BOOTSTRAP_SERVERS", f"{service.upper()}_MONGODB_URI"}
            assert required <= env, f"{service}-{process} lacks {required - env}"
            unknown = env - variables_of(service)
            assert not unknown, f"{service}-{process} sets variables the code never reads: {unknown}"


def test_compose_points_services_at_every_compose_broker():
    services = _compose()["services"]
    for name in ("topics", *(f"{service}-api" for service in SERVICE_NAMES)):
        env = services[name]["environment"]
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == ",".join(f"{broker}:9092" for broker in BROKERS), name


def test_scalable_consumers_run_several_copies_within_their_partitions_and_the_console_one():
    partitions = {topic.name: topic.partitions for topic in TOPICS}
    consumed = {"orders": orders_worker.TOPICS, "shipping": shipping_worker.TOPICS,
                "tracking": tracking_worker.TOPICS}
    services = _compose()["services"]
    for service in SCALABLE:
        replicas = services[f"{service}-worker"]["deploy"]["replicas"]
        assert 2 <= replicas <= max(partitions[topic] for topic in consumed[service]), service
    assert services["console-worker"].get("deploy", {}).get("replicas", 1) == 1


def test_every_compose_worker_serves_liveness_and_is_health_checked_on_that_port():
    services = _compose()["services"]
    workers = [name for name in services if name.endswith(("-worker", "-relay", "-deliver"))]
    assert len(workers) == 9
    for name in workers:
        port = services[name]["environment"]["WORKER_HEALTH_PORT"]
        assert f"127.0.0.1:{port}/healthz" in " ".join(services[name]["healthcheck"]["test"]), name
