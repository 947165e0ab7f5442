"""The rendered manifests are valid: built-in kinds against the Kubernetes JSON schemas, custom ones structurally."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.unit.deploy import manifests

# The oldest Kubernetes minor these manifests promise to work on (autoscaling/v2 and policy/v1 are GA there).
KUBERNETES_VERSION = "1.30"
CRD_SCHEMAS = yaml.safe_load((Path(__file__).parent / "crd_schemas.yaml").read_text())


def _builtin(resource: dict) -> bool:
    return f"{resource['apiVersion']}/{resource['kind']}" not in CRD_SCHEMAS


def _validate(resource: dict) -> None:
    if _builtin(resource):
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    else:
        jsonschema.validate(resource, CRD_SCHEMAS[f"{resource['apiVersion']}/{resource['kind']}"])


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_every_rendered_resource_is_valid(overlay):
    resources = manifests.rendered(overlay)
    assert resources
    for resource in resources:
        _validate(resource)


def test_the_example_secrets_are_valid_secrets():
    for secret in manifests.secrets_example().values():
        _validate(secret)


def test_every_custom_resource_kind_the_manifests_use_has_a_schema():
    # Built-in API groups have no dot in their name; every operator's has.
    custom = {f"{r['apiVersion']}/{r['kind']}" for r in manifests.rendered() if "." in r["apiVersion"].split("/")[0]}
    assert custom == set(CRD_SCHEMAS)


@pytest.mark.parametrize(("kind", "path", "field"), [
    ("Deployment", ("spec", "template", "spec", "containers", 0), "livenesProbe"),
    ("HorizontalPodAutoscaler", ("spec",), "minReplica"),
    ("ScaledObject", ("spec",), "maxReplicas"),
    ("KafkaTopic", ("spec",), "partition"),
])
def test_a_misspelt_field_is_refused(kind, path, field):
    resource = copy.deepcopy(next(r for r in manifests.rendered() if r["kind"] == kind))
    node = resource
    for step in path:
        node = node[step]
    node[field] = 1
    with pytest.raises((kubernetes_validate.ValidationError, jsonschema.ValidationError)):
        _validate(resource)


def test_a_keda_trigger_value_that_is_not_a_string_is_refused():
    scaled = copy.deepcopy(next(r for r in manifests.rendered() if r["kind"] == "ScaledObject"))
    scaled["spec"]["triggers"][0]["metadata"]["lagThreshold"] = 500
    with pytest.raises(jsonschema.ValidationError):
        _validate(scaled)
