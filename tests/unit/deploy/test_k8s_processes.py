"""deploy/k8s runs every process `parcelbridge run` starts, with the variables its code reads and probes that answer."""

from __future__ import annotations

import os
import re

import pytest

from ops import stack
from ops.infra import stack_config
from ops.infra.layout import PROJECT_ROOT, Layout
from ops.registry import variables_of
from shared.config import load_infra_settings
from shared.http.app import create_app
from shared.liveness import Heartbeat, WorkerReadiness, health_app
from tests.unit.deploy import manifests

# Variables the web apps' process manager reads (deploy/local/gunicorn.conf.py, prometheus_client), not the services.
SERVER_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "WEB_THREADS"}


@pytest.fixture
def resources() -> list[dict]:
    return manifests.rendered()


@pytest.fixture
def deployments(resources) -> dict[str, dict]:
    return manifests.of_kind(resources, "Deployment")


def _as_pod(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """This process's environment becomes the pod's, so the code computes what it would compute there."""
    for name in [name for name in os.environ if stack_config.is_stack_variable(name) or name in SERVER_VARIABLES]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _code_processes(monkeypatch, resources, deployments) -> list[stack.ServiceProcess]:
    found = []
    for service in stack.available_services():
        _as_pod(monkeypatch, manifests.environment(deployments[f"{service}-api"], resources))
        found += stack.service_processes(service, python="python")
    return found


def _image_command(process: stack.ServiceProcess) -> list[str]:
    # The image's working directory is the project's root (deploy/compose/Dockerfile), so paths become relative.
    return [str(os.path.relpath(part, PROJECT_ROOT)) if part.startswith(str(PROJECT_ROOT)) else part
            for part in process.command]


def test_every_process_parcelbridge_run_starts_has_a_deployment_running_its_command(
        monkeypatch, resources, deployments):
    for process in _code_processes(monkeypatch, resources, deployments):
        assert process.name in deployments, f"no Deployment for {process.name}"
        assert manifests.container(deployments[process.name])["command"] == _image_command(process), process.name


def test_no_deployment_runs_a_process_the_code_does_not_start(monkeypatch, resources, deployments):
    names = {process.name for process in _code_processes(monkeypatch, resources, deployments)}
    assert set(deployments) == names


def test_the_image_holds_every_project_file_a_command_names(monkeypatch, resources, deployments):
    dockerfile = (PROJECT_ROOT / "deploy" / "compose" / "Dockerfile").read_text()
    copied = {line.split()[1] for line in dockerfile.splitlines() if line.startswith("COPY ")}
    for process in _code_processes(monkeypatch, resources, deployments):
        for part in _image_command(process):
            if (PROJECT_ROOT / part).is_file() and "/" in part:
                assert part in copied or part.split("/")[0] in copied, f"{process.name}: {part} not in the image"


def _required(process: stack.ServiceProcess) -> set[str]:
    """What the process cannot run without in a pod: the defaults point at 127.0.0.1, its own extras, secrets."""
    prefix = process.service.upper()
    layout = Layout(load_infra_settings(root=PROJECT_ROOT))
    required = {"KAFKA_BOOTSTRAP_SERVERS", f"{prefix}_MONGODB_URI", f"{prefix}_HOST", f"{prefix}_PORT"}
    required |= set(stack.spec(layout, process).env)  # what the local stack gives this process of its own
    if process.service == "tracking":
        required |= set(stack_config.SECRETS)  # carrier credentials: without them every carrier post is refused
    return required


def test_every_process_gets_every_variable_its_code_requires(monkeypatch, resources, deployments):
    for process in _code_processes(monkeypatch, resources, deployments):
        env = manifests.environment(deployments[process.name], resources)
        missing = _required(process) - set(env)
        assert not missing, f"{process.name} lacks {sorted(missing)}"
        assert env[f"{process.service.upper()}_HOST"] == "0.0.0.0", "the kubelet probes the pod's address"


def _known(service: str) -> set[str]:
    return variables_of(service) | SERVER_VARIABLES


def test_no_workload_sets_a_variable_its_code_never_reads(resources):
    workloads = {**manifests.of_kind(resources, "Deployment"), **manifests.of_kind(resources, "Job")}
    for name, workload in workloads.items():
        service = name.split("-")[0]
        # A Job may pass its own variables as $(NAME) arguments, which the kubelet expands.
        expanded = set(re.findall(r"\$\((\w+)\)", " ".join(manifests.container(workload)["command"])))
        unknown = set(manifests.environment(workload, resources)) - _known(service) - expanded
        assert not unknown, f"{name} sets variables the code never reads: {sorted(unknown)}"


def test_every_secret_reference_names_a_key_the_example_secrets_show(resources):
    secrets = manifests.secrets_example()
    for workload in [r for r in resources if r["kind"] in ("Deployment", "Job")]:
        for variable in manifests.container(workload).get("env", []):
            ref = variable.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["key"] in secrets[ref["name"]]["stringData"], (workload["metadata"]["name"], ref)


def _port(container: dict, name: str) -> int:
    return next(p["containerPort"] for p in container["ports"] if p["name"] == name)


def test_web_app_probes_ask_the_apps_own_health_endpoints_on_its_port(monkeypatch, resources, deployments):
    # The operational blueprint every service's app is made with (shared.http.app), with a store and broker that answer.
    app = create_app("probe", [], readiness=lambda: {"kafka": True, "mongodb": True}, max_body_bytes=1024)
    for process in _code_processes(monkeypatch, resources, deployments):
        if process.kind != "api":
            continue
        spec = manifests.container(deployments[process.name])
        for probe in ("livenessProbe", "readinessProbe"):
            get = spec[probe]["httpGet"]
            assert app.test_client().get(get["path"]).status_code == 200, (process.name, probe)
            assert f"0.0.0.0:{_port(spec, get['port'])}" in process.command, (process.name, probe)


def test_worker_probes_ask_the_workers_health_server_on_the_port_it_serves(monkeypatch, resources, deployments):
    server = health_app(Heartbeat(), stall_after=120.0, metrics=lambda *_: [], ready=WorkerReadiness())
    for process in _code_processes(monkeypatch, resources, deployments):
        if process.kind == "api":
            continue
        spec = manifests.container(deployments[process.name])
        served = int(manifests.environment(deployments[process.name], resources)["WORKER_HEALTH_PORT"])
        assert served == stack.health_port(process), process.name
        for probe in ("livenessProbe", "readinessProbe"):
            get = spec[probe]["httpGet"]
            statuses = []
            server({"PATH_INFO": get["path"]}, lambda status, _headers, out=statuses: out.append(status))
            assert statuses == ["200 OK"], (process.name, probe, statuses)
            assert _port(spec, get["port"]) == served, (process.name, probe)
