"""The layers, read from the source: shared/ is a library below everything, ops/ sits above the services.

shared/ imports nothing from services/, ops/ or bench/ and names no service; no service imports another
service or the operations layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ops.registry import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PACKAGES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.mark.parametrize("path", _modules("shared"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_shared_library_imports_no_layer_above_it(path: Path):
    above = {name for name in _imports(path) if name.split(".")[0] in ("services", "ops", "bench")}
    assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


@pytest.mark.parametrize("path", _modules("shared"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_shared_library_names_no_service(path: Path):
    named = {s for s in _strings(path) if s in SERVICE_NAMES or s.startswith("services.")}
    assert not named, f"{path.relative_to(ROOT)} names {sorted(named)}"


@pytest.mark.parametrize("service", SERVICE_PACKAGES)
def test_a_service_imports_no_other_service_and_not_the_operations_layer(service: str):
    for path in _modules(f"services/{service}"):
        wrong = {name for name in _imports(path)
                 if name.split(".")[0] == "ops" or (name.startswith("services.")
                                                     and name.split(".")[1] != service)}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_layer_checks_see_the_code():
    # A wrong root would make every check above pass on nothing.
    assert len(_modules("shared")) > 40 and {"orders", "tracking"} <= set(SERVICE_PACKAGES)
    assert "services.orders.manifest" in _imports(ROOT / "ops" / "registry.py")
