"""The Kubernetes manifests as `kustomize build` renders them (deploy/k8s/render.py), and lookups the tests share."""

from __future__ import annotations

import copy
import importlib.util
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("production",)
Resource = dict[str, Any]

_spec = importlib.util.spec_from_file_location("k8s_render", K8S / "render.py")
render = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = render
_spec.loader.exec_module(render)


@cache
def _rendered(directory: str) -> tuple[Resource, ...]:
    return tuple(render.build(Path(directory)))


def rendered(overlay: str = "production") -> list[Resource]:
    """A fresh copy of the overlay's resources (tests may not change each other's)."""
    return copy.deepcopy(list(_rendered(str(K8S / "overlays" / overlay))))


def of_kind(resources: list[Resource], kind: str) -> dict[str, Resource]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def secrets_example() -> dict[str, Resource]:
    documents = yaml.safe_load_all((K8S / "secrets.example.yaml").read_text())
    return {d["metadata"]["name"]: d for d in documents if d}


def container(deployment: Resource) -> Resource:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, deployment["metadata"]["name"]
    return containers[0]


def environment(workload: Resource, resources: list[Resource]) -> dict[str, str]:
    """The container's variables: its ConfigMaps' values, then its own (a Secret's from secrets.example.yaml)."""
    maps = of_kind(resources, "ConfigMap")
    secrets = secrets_example()
    spec = container(workload)
    env: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        env.update(maps[source["configMapRef"]["name"]]["data"])
    for variable in spec.get("env", []):
        if "value" in variable:
            env[variable["name"]] = variable["value"]
        else:
            ref = variable["valueFrom"]["secretKeyRef"]
            env[variable["name"]] = secrets[ref["name"]]["stringData"][ref["key"]]
    return env
