"""The processes a supervisor runs: written by `services up`, read by the supervisor at start and on SIGHUP."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: tuple[str, ...]
    log_file: str
    pid_file: str
    cwd: str
    tier: int  # stopped in ascending order: web apps (no new work) before consumers before relays
    env: dict[str, str] = field(default_factory=dict)  # on top of the supervisor's own (the stack's) environment
    fresh_dir: str = ""  # emptied before every start (a web app's Prometheus multiprocess folder)


def merge(known: list[ProcessSpec], added: list[ProcessSpec]) -> list[ProcessSpec]:
    """The known specs, then each added one whose name is new (a running process keeps its first spec)."""
    names = {spec.name for spec in known}
    return [*known, *(spec for spec in added if spec.name not in names)]


def write(path: Path, specs: list[ProcessSpec]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps([asdict(spec) for spec in specs], indent=1))
    os.replace(temporary, path)


def read(path: Path) -> list[ProcessSpec]:
    if not path.exists():
        return []
    return [ProcessSpec(**{**row, "command": tuple(row["command"])}) for row in json.loads(path.read_text())]
