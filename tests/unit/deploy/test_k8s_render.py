"""deploy/k8s/render.py renders the kustomize subset the manifests use as kustomize does, and refuses the rest."""

from __future__ import annotations

import pytest

from tests.unit.deploy import manifests

render = manifests.render


def _deployment(image: str = "parcelbridge") -> dict:
    return {"kind": "Deployment", "metadata": {"name": "a"},
            "spec": {"template": {"metadata": {"labels": {"x": "1"}},
                                  "spec": {"containers": [{"name": "c", "image": image, "env": [{"name": "A"}]}]}}}}


def test_a_patch_merges_maps_and_lists_of_named_objects_by_name():
    base = {"spec": {"replicas": 1, "containers": [{"name": "c", "image": "i", "args": ["x"]}, {"name": "d"}]}}
    change = {"spec": {"containers": [{"name": "c", "args": ["y"]}, {"name": "e"}]}}
    assert render.merge(base, change) == {"spec": {"replicas": 1, "containers": [
        {"name": "c", "image": "i", "args": ["y"]}, {"name": "d"}, {"name": "e"}]}}


def test_a_patch_replaces_a_list_of_plain_values_whole():
    assert render.merge({"roles": ["broker", "controller"]}, {"roles": ["broker"]}) == {"roles": ["broker"]}


def test_an_image_override_renames_and_retags_only_the_named_image():
    resources = [_deployment("parcelbridge"), _deployment("other:1")]
    render._set_image(resources, {"name": "parcelbridge", "newName": "r.example/pb", "newTag": "2"})
    images = [r["spec"]["template"]["spec"]["containers"][0]["image"] for r in resources]
    assert images == ["r.example/pb:2", "other:1"]


def test_labels_reach_pod_templates_only_when_asked():
    plain, templated = _deployment(), _deployment()
    render._add_labels([plain], {"pairs": {"p": "v"}})
    render._add_labels([templated], {"pairs": {"p": "v"}, "includeTemplates": True})
    assert plain["metadata"]["labels"] == templated["metadata"]["labels"] == {"p": "v"}
    assert "p" not in plain["spec"]["template"]["metadata"]["labels"]
    assert templated["spec"]["template"]["metadata"]["labels"] == {"x": "1", "p": "v"}


def test_selector_labels_are_refused_rather_than_rendered_differently_from_kustomize():
    with pytest.raises(render.KustomizeError):
        render._add_labels([_deployment()], {"pairs": {"p": "v"}, "includeSelectors": True})


def test_a_patch_for_a_resource_that_is_not_there_is_refused():
    with pytest.raises(render.KustomizeError):
        render._find([_deployment()], "Deployment", "b")


def test_the_overlay_puts_everything_in_the_namespace_and_takes_the_image_from_the_registry():
    resources = manifests.rendered()
    assert {r["metadata"]["namespace"] for r in resources} == {"parcelbridge"}
    images = {c["image"] for r in resources if r["kind"] in ("Deployment", "Job")
              for c in r["spec"]["template"]["spec"]["containers"]}
    assert images == {"registry.example.com/parcelbridge:0.1.0"}
