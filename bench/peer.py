"""The peer's place in a bench run: after our stack has stopped, Karrio's steps, then the ratio table."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from bench.config import BenchConfig
from bench.peers import comparison, karrio_run
from bench.vegeta import Vegeta


def after_ours(result: dict[str, Any], config: BenchConfig, console: Console, load: Vegeta) -> dict[str, Any]:
    """`result` with `peer` (None under --no-peer) and `comparison` added."""
    if not config.peer:
        return result | {"peer": None, "comparison": {}}
    console.print("[bold]peer: Karrio[/] [dim](our stack is stopped; Karrio runs alone now)[/]")
    with_peer = result | {"peer": karrio_run.measure(config, console, load)}
    return with_peer | {"comparison": comparison.compare(with_peer)}


def failed(result: dict[str, Any]) -> bool:
    """Whether the peer ran and failed (the run then ends non-zero, its report written)."""
    return bool((result.get("peer") or {}).get("failed"))
