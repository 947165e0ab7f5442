"""vegeta, the open-loop HTTP load generator of the GET steps: built once with Go, driven through its CLI.

`vegeta attack` sends requests at a constant rate whatever the server does (it adds workers rather than
wait for slow answers), so a stall shows in the latency of every request due during it; `-rate=0` with
`-max-workers=N` is the closed loop (N clients back to back). `vegeta report -type=json` gives latencies in
nanoseconds (over every request, failed ones included), the status codes and the distinct errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ops.infra.layout import PROJECT_ROOT, Layout, require
from shared.config import load_infra_settings

MODULE = "github.com/tsenart/vegeta/v12@v12.13.0"
NAME = "vegeta " + MODULE.rsplit("@", 1)[1]
STAMP = ".vegeta-installed"  # beside the binary, holding MODULE: a changed pin rebuilds it
NS_PER_MS = 1_000_000
ERRORS_KEPT = 5


class VegetaFailed(RuntimeError):
    """vegeta could not be built or an attack did not finish; the message carries its output."""


@dataclass(frozen=True)
class Target:
    url: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Attack:
    rate: float  # requests per second; 0 = closed loop, `max_workers` clients back to back
    duration_s: float
    max_workers: int | None = None
    timeout_s: float = 30


def binary_path() -> Path:
    return Layout(load_infra_settings(root=PROJECT_ROOT)).tools / "vegeta"


def installed(binary: Path) -> bool:
    stamp = binary.parent / STAMP
    return binary.exists() and stamp.exists() and stamp.read_text().strip() == MODULE


def install(binary: Path) -> None:
    """`go install` the pinned module into the project's tool folder (the data folder's bin/)."""
    go = require("go")["go"]
    binary.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOBIN": str(binary.parent), "CGO_ENABLED": "0"}
    done = subprocess.run([go, "install", MODULE], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise VegetaFailed(f"`go install {MODULE}` failed:\n{(done.stdout + done.stderr)[-3000:]}")
    (binary.parent / STAMP).write_text(MODULE + "\n")


def targets_text(targets: Iterable[Target]) -> str:
    """vegeta's HTTP target format: `GET <url>`, one `Name: value` line per header, a blank line between."""
    blocks = ["\n".join([f"GET {t.url}", *(f"{name}: {value}" for name, value in t.headers)]) for t in targets]
    return "\n\n".join(blocks) + "\n"


def attack_command(binary: Path, attack: Attack, targets: Path, results: Path) -> list[str]:
    rate = f"-rate={attack.rate:g}/s" if attack.rate else "-rate=0"
    command = [str(binary), "attack", f"-targets={targets}", rate, f"-duration={attack.duration_s:g}s",
               f"-timeout={attack.timeout_s:g}s", "-max-body=0", f"-output={results}"]  # bodies are not kept
    if attack.max_workers:
        command += [f"-workers={attack.max_workers}", f"-max-workers={attack.max_workers}"]
    return command


def parse_report(text: str, ok: tuple[int, ...]) -> dict[str, Any]:
    """The fields we keep of `vegeta report -type=json`: requests, errors (any status not in `ok`), ms."""
    report = json.loads(text)
    codes = {int(code): count for code, count in (report.get("status_codes") or {}).items()}
    requests = report["requests"]
    answered = sum(count for code, count in codes.items() if code in ok)
    seconds = (report["duration"] + report["wait"]) / 1e9
    latencies = report["latencies"]
    return {
        "requests": requests, "errors": requests - answered, "status_codes": codes,
        "error_messages": list(report.get("errors") or [])[:ERRORS_KEPT],
        "achieved_rate_per_s": round(report["rate"], 1),
        "ok_per_s": round(answered / seconds, 1) if seconds else 0.0,
        "ms": {"p50": _ms(latencies["50th"]), "p90": _ms(latencies["90th"]), "p99": _ms(latencies["99th"]),
               "max": _ms(latencies["max"]), "count": requests} if requests else None,
    }


def _ms(nanoseconds: int) -> float:
    return round(nanoseconds / NS_PER_MS, 1)


@dataclass(frozen=True)
class Vegeta:
    binary: Path

    def attack(self, targets: list[Target], attack: Attack, ok: tuple[int, ...],
               advance: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Run one attack over `targets` (taken in turn, round and round); the parsed report."""
        with tempfile.TemporaryDirectory(prefix="bench-vegeta-") as folder:
            targets_file, results = Path(folder) / "targets.http", Path(folder) / "results.bin"
            targets_file.write_text(targets_text(targets))
            self._run(attack_command(self.binary, attack, targets_file, results), attack, advance)
            report = self._report(results)
        return {"rate_per_s": attack.rate, "duration_s": attack.duration_s, **parse_report(report, ok)}

    def _run(self, command: list[str], attack: Attack, advance: Callable[[int], None] | None) -> None:
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
            began, told = time.monotonic(), 0
            while process.poll() is None:
                time.sleep(0.25)
                due = min(round(attack.rate * (time.monotonic() - began)), round(attack.rate * attack.duration_s))
                if advance and due > told:
                    advance(due - told)
                    told = due
            if process.returncode != 0:
                errors.seek(0)
                raise VegetaFailed(f"`{' '.join(command)}` failed: {errors.read().decode()[-2000:]}")

    def _report(self, results: Path) -> str:
        done = subprocess.run([str(self.binary), "report", "-type=json", str(results)], capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise VegetaFailed(f"vegeta report failed: {done.stderr[-2000:]}")
        return done.stdout
