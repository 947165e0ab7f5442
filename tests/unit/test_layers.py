"""shared/ is a library: besides importing nothing above it (the contracts in .importlinter, run by `make lint`),
none of its modules names a service, so a new service never means a change there."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ops.registry import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PACKAGES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.mark.parametrize("path", _modules("shared"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_shared_library_names_no_service(path: Path):
    named = {s for s in _strings(path) if s in SERVICE_NAMES or s.startswith("services.")}
    assert not named, f"{path.relative_to(ROOT)} names {sorted(named)}"


def test_the_layer_checks_see_the_code():
    # A wrong root would make every check above pass on nothing.
    assert len(_modules("shared")) > 40 and {"orders", "tracking"} <= set(SERVICE_PACKAGES)
