"""deploy/compose cannot run here (no Docker engine); this keeps it in step with the code."""

from pathlib import Path

import yaml

from ops.registry import SERVICE_NAMES, variables_of

COMPOSE = Path(__file__).resolve().parents[3] / "deploy" / "compose" / "docker-compose.yml"
SERVICES = SERVICE_NAMES


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_real_kafka_and_mongodb_with_health_checks():
    services = _compose()["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["mongo"]["image"].startswith("mongo:")
    assert "healthcheck" in services["kafka"] and "healthcheck" in services["mongo"]


def test_compose_names_every_service_process():
    names = set(_compose()["services"])
    for service in SERVICES:
        assert {f"{service}-api", f"{service}-worker", f"{service}-relay"} <= names


def test_compose_sets_exactly_the_variables_the_code_reads():
    services = _compose()["services"]
    for service in SERVICES:
        for process in ("api", "worker", "relay"):
            env = set(services[f"{service}-{process}"]["environment"])
            required = {"KAFKA_BOOTSTRAP_SERVERS", f"{service.upper()}_MONGODB_URI"}
            assert required <= env, f"{service}-{process} lacks {required - env}"
            unknown = env - variables_of(service)
            assert not unknown, f"{service}-{process} sets variables the code never reads: {unknown}"


def test_compose_points_services_at_the_compose_broker_and_store():
    services = _compose()["services"]
    env = services["orders-api"]["environment"]
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["ORDERS_MONGODB_URI"].startswith("mongodb://mongo:27017/")


def test_every_compose_worker_serves_liveness_and_is_health_checked_on_that_port():
    services = _compose()["services"]
    workers = [name for name in services if name.endswith(("-worker", "-relay", "-deliver"))]
    assert len(workers) == 9
    for name in workers:
        port = services[name]["environment"]["WORKER_HEALTH_PORT"]
        assert f"127.0.0.1:{port}/healthz" in " ".join(services[name]["healthcheck"]["test"]), name
