"""A run's outputs: <timestamp>.json (everything), <timestamp>.md (the short report), PNG charts, the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import charts, summary

METHOD = """\
- Everything ran on a fresh isolated stack (its own Kafka, FerretDB, ports and data folder), started and
  stopped by the bench; the load generator ran on the same machine and shares its cores.
- Fixed-rate steps are open loop: request *i* is due at start + *i*/rate and its latency is measured from that
  due time, not from when it was sent, so a stall counts against every request queued behind it (no
  coordinated omission).
- Scan pipeline: timed from the first request (or record) until the tracking consumer group's committed
  offsets reached the end of `carrier-scans.v1` as it stood once everything was sent (lag zero); every tracker
  is then checked (untimed) to hold every scan sent to it, once.
- Order → booked comes from the order's own status history (server times); order → tracker visible is the
  time from sending the POST until `GET /v1/tracking/{shipment id}` first answered 200 (one polling loop,
  ~50 ms resolution).
- Ceilings: kafka-python with the services' producer and consumer settings; pymongo single-threaded (as one
  consumer); the trivial endpoint and the tracking closed-loop maximum use the same client threads.
"""


def write(result: dict[str, Any], out_dir: Path, stamp: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / stamp
    pictures = charts.draw_all(result, stem)
    json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    md_path.write_text(markdown(result, pictures))
    return {"json": json_path, "markdown": md_path}


def write_partial(result: dict[str, Any], out_dir: Path, stamp: str) -> Path:
    """What a failed run measured before it failed (no report, no charts)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stamp}-partial.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path


def markdown(result: dict[str, Any], pictures: list[Path]) -> str:
    machine = result["machine"]
    lines = [
        f"# parcelbridge bench — {result['started_at']}",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB; "
        f"Python {machine['python']}, Kafka {machine['kafka']}, FerretDB {machine['ferretdb']}; "
        f"git {machine['git']}. Command: `{result['command']}`.",
        "",
        "| section | measure | value |",
        "| --- | --- | --- |",
        *[f"| {s} | {m} | {v} |" for s, m, v in summary.rows(result)],
        "",
        "## Targets (issue 5, stretch goals on 2 cores)",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
        *[f"| {t['target']} | {t['measured']} | {t['met']} |" for t in result["targets"]],
        "",
        "## Peak memory",
        "",
        "| process | peak RSS (MiB) |",
        "| --- | --- |",
        *[f"| {m['process']} | {m['peak_rss_mib']} |" for m in result["memory"]],
        "",
        "## Dead-letter topics at the end",
        "",
        *[f"- `{topic}`: {count}" for topic, count in result["dead_letters"].items()],
        "",
        "## Method",
        "",
        METHOD,
        *[f"![{p.stem}]({p.name})" for p in pictures],
        "",
    ]
    return "\n".join(lines)


def print_table(result: dict[str, Any], console: Console) -> None:
    table = Table(title="parcelbridge bench", show_lines=False)
    for column in ("section", "measure", "value"):
        table.add_column(column)
    for row in summary.rows(result):
        table.add_row(*row)
    console.print(table)
    targets = Table(title="targets (issue 5)")
    for column in ("target", "measured", "met"):
        targets.add_column(column)
    for target in result["targets"]:
        targets.add_row(target["target"], target["measured"], target["met"])
    console.print(targets)
