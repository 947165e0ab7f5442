"""Where everything local lives: one git-ignored data folder under the project root."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from shared.config import InfraSettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEPLOY_LOCAL = PROJECT_ROOT / "deploy" / "local"
FERRETDB_MODULE = "github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2"


class MissingPrerequisite(RuntimeError):
    """A tool the local infrastructure needs is not installed."""


@dataclass(frozen=True)
class Layout:
    settings: InfraSettings

    @property
    def root(self) -> Path:
        return self.settings.data_dir

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def kafka_libs(self) -> Path:
        return self.root / "kafka" / "libs"

    @property
    def kafka_data(self) -> Path:
        return self.root / "data" / "kafka"

    @property
    def kafka_config(self) -> Path:
        return self.root / "kafka" / "server.properties"

    @property
    def kafka_cluster(self) -> Path:
        """A multi-node cluster's data, apart from the single broker's (their storage is formatted differently)."""
        return self.root / "data" / "kafka-cluster"

    @property
    def kafka_brokers_record(self) -> Path:
        """How many nodes the last `infra up` started, so `status` shows them all without being told."""
        return self.run / "kafka-brokers"

    @property
    def tools(self) -> Path:
        """Executables the project builds for itself (FerretDB, the bench's load generator)."""
        return self.root / "bin"

    @property
    def ferretdb_bin(self) -> Path:
        return self.tools / "ferretdb"

    @property
    def ferretdb_data(self) -> Path:
        return self.root / "data" / "ferretdb"

    @property
    def ferretdb_state(self) -> Path:
        return self.root / "data" / "ferretdb-state"

    def pid_file(self, name: str) -> Path:
        return self.run / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.logs / f"{name}.log"


def require(*tools: str) -> dict[str, str]:
    """Paths of the named executables; MissingPrerequisite names every one that is absent."""
    found = {tool: shutil.which(tool) for tool in tools}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        hints = {"java": "OpenJDK 17+", "mvn": "Apache Maven", "go": "Go 1.24+"}
        names = ", ".join(f"{tool} ({hints.get(tool, tool)})" for tool in missing)
        raise MissingPrerequisite(f"missing prerequisite: {names} not found on PATH")
    return {tool: path for tool, path in found.items() if path is not None}
