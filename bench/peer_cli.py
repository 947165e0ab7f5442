"""`parcelbridge bench --peer-only`: the peer's steps alone, for developing the harness (no stack of ours)."""

from __future__ import annotations

import json

from rich.console import Console

from bench.config import BenchConfig
from bench.peers import karrio_run, peer_report
from bench.run import vegeta_built
from bench.vegeta import Vegeta


def only(config: BenchConfig, console: Console, stamp: str) -> int:
    """Run Karrio's steps, write <stamp>-peer.json, print its section; 1 when the peer failed."""
    found = karrio_run.measure(config, console, Vegeta(vegeta_built(console)))
    config.out.mkdir(parents=True, exist_ok=True)
    path = config.out / f"{stamp}-peer.json"
    path.write_text(json.dumps(found, indent=2, default=str) + "\n")
    console.print("\n".join(peer_report.markdown({"peer": found})))
    console.print(f"peer results: {path}")
    return 1 if found.get("failed") else 0
