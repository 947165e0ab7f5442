"""What the figures were measured on: the machine, the versions and the git revision."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from ops.infra.layout import FERRETDB_MODULE, PROJECT_ROOT

PACKAGES = ("flask", "gunicorn", "kafka-python", "pymongo", "pydantic", "requests", "matplotlib")


def describe(data_dir: Path) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(), "cpu": _cpu_model(), "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "kafka": _kafka_version(data_dir), "ferretdb": FERRETDB_MODULE.rsplit("@", 1)[-1],
        "git": _git_revision(),
    }


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return None


def _kafka_version(data_dir: Path) -> str:
    # The broker's jar names carry its version, e.g. kafka_2.13-4.1.0.jar.
    for jar in (data_dir / "kafka" / "libs").glob("kafka_2.*-*.jar"):
        if "-test" not in jar.name and "-sources" not in jar.name:
            return jar.stem.split("-", 1)[1]
    return "unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_revision() -> str:
    try:
        head = _git("rev-parse", "--short", "HEAD")
        return head + (" (with uncommitted changes)" if _git("status", "--porcelain") else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.strip()


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""
