"""Render a kustomization the way `kustomize build` does, for the small subset deploy/k8s uses; no cluster, no binary.

PyPI has no maintained kustomize renderer, and the tests must run where neither kubectl nor kustomize is installed.
The subset: `resources` (files and directories with their own kustomization), `namespace`, `labels` (pairs, with
`includeTemplates`), `images` and strategic-merge `patches` by file (matched on kind and name; lists of objects
merged by their `name`). Anything else in a kustomization is refused rather than ignored, so the manifests cannot
grow a feature this renderer would silently get wrong. The rendered output was compared with kustomize v5.7.1's.

    python deploy/k8s/render.py deploy/k8s/overlays/production > parcelbridge.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]
SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}
# Kinds without a namespace among those deploy/k8s could hold (kustomize knows them from the cluster's schema).
CLUSTER_SCOPED = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PriorityClass",
                  "StorageClass", "PersistentVolume"}


class KustomizeError(ValueError):
    """A kustomization this renderer cannot render as kustomize would."""


def build(directory: Path) -> list[Resource]:
    """Every resource the kustomization in `directory` produces, in kustomize's resource order."""
    kustomization = _kustomization(directory)
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        resources += build(path) if path.is_dir() else _documents(path)
    for patch in kustomization.get("patches", []):
        _apply_patch(resources, patch, directory)
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    for label in kustomization.get("labels", []):
        _add_labels(resources, label)
    if "namespace" in kustomization:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = kustomization["namespace"]
    return resources


def _kustomization(directory: Path) -> dict[str, Any]:
    path = directory / "kustomization.yaml"
    if not path.exists():
        raise KustomizeError(f"{directory} has no kustomization.yaml")
    kustomization = yaml.safe_load(path.read_text()) or {}
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise KustomizeError(f"{path}: {sorted(unknown)} not supported by this renderer (use kustomize itself)")
    return kustomization


def _documents(path: Path) -> list[Resource]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def _apply_patch(resources: list[Resource], patch: dict[str, Any], directory: Path) -> None:
    if set(patch) != {"path"}:
        raise KustomizeError(f"patch {patch}: only `path:` strategic-merge patches are supported")
    for change in _documents(directory / patch["path"]):
        target = _find(resources, change["kind"], change["metadata"]["name"])
        merged = merge(target, change)
        target.clear()
        target.update(merged)


def _find(resources: list[Resource], kind: str, name: str) -> Resource:
    found = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    if len(found) != 1:
        raise KustomizeError(f"a patch targets {kind}/{name}, which matches {len(found)} resources")
    return found[0]


def merge(base: Any, change: Any) -> Any:
    """Strategic merge, as far as plain manifests need it: maps merge, lists of named objects merge by name."""
    if isinstance(base, dict) and isinstance(change, dict):
        merged = dict(base)
        for key, value in change.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if _named_list(base) and _named_list(change):
        merged = list(base)
        for item in change:
            at = next((i for i, old in enumerate(merged) if old["name"] == item["name"]), None)
            if at is None:
                merged.append(item)
            else:
                merged[at] = merge(merged[at], item)
        return merged
    return change


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "name" in i for i in value)


def _pod_specs(resource: Resource) -> list[dict[str, Any]]:
    spec = resource.get("spec", {})
    if resource["kind"] == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    template = spec.get("template") if isinstance(spec, dict) else None
    return [template["spec"]] if isinstance(template, dict) and "spec" in template else []


def _set_image(resources: list[Resource], image: dict[str, Any]) -> None:
    for resource in resources:
        for pod in _pod_specs(resource):
            for container in pod.get("containers", []) + pod.get("initContainers", []):
                name, _, tag = container["image"].partition(":")
                if name == image["name"]:
                    new_tag = image.get("newTag", tag)
                    container["image"] = image.get("newName", name) + (f":{new_tag}" if new_tag else "")


def _add_labels(resources: list[Resource], label: dict[str, Any]) -> None:
    if label.get("includeSelectors"):
        raise KustomizeError("labels with includeSelectors are not supported (selectors are immutable anyway)")
    pairs = label["pairs"]
    for resource in resources:
        resource["metadata"].setdefault("labels", {}).update(pairs)
        if label.get("includeTemplates"):
            for template in _templates(resource):
                template.setdefault("metadata", {}).setdefault("labels", {}).update(pairs)


def _templates(resource: Resource) -> list[dict[str, Any]]:
    spec = resource.get("spec", {})
    if resource["kind"] == "CronJob":
        return [spec["jobTemplate"], spec["jobTemplate"]["spec"]["template"]]
    return [spec["template"]] if isinstance(spec.get("template"), dict) and "spec" in spec["template"] else []


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python deploy/k8s/render.py <kustomization directory>", file=sys.stderr)
        return 2
    print(yaml.safe_dump_all(build(Path(argv[0]).resolve()), sort_keys=False), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
