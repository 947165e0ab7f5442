"""A run's outputs: <timestamp>.json (everything), <timestamp>.md (the short report), PNG charts, the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import charts, cost_tables, scale_out_chart, scale_out_curve, summary
from bench.peers import peer_report

METHOD = """\
- Everything ran on a fresh isolated stack (its own Kafka, FerretDB, ports and data folder), started and
  stopped by the bench; the load generators ran on the same machine and share its cores.
- Fixed-rate steps are open loop: request *i* is due at start + *i*/rate whatever happened before it, so a
  stall counts against every request due during it (no coordinated omission). Tracking GETs are sent by
  vegeta (`vegeta attack -rate=R/s`, latencies from its JSON report, failed requests included); order POSTs
  by the bench's own generator (each answer's order id is followed to its booking), latency measured from
  each request's due time.
- Before the GET steps, a few seconds at the first rate warm the connections and caches (not counted; in
  the JSON as `warm_up`).
- Rates step up and stop after the first rate that broke: for GETs, an answer other than 200 (304 on the
  304 path) or p99 above the limit; for orders, on both systems alike, a refused POST, an order not
  booked (Karrio: never read back), or the p99 of either the POST answer or order → booked (Karrio:
  create → read back) above the limit. Later rates are listed as not run.
- Customer polling runs against every tracker the earlier steps created plus trackers seeded straight into
  the store up to the configured count: each built through the tracking domain (`Tracker.open`, then its
  simulated journey's scans, read by the carrier parsers, via `record`) and stored with the repository's
  own document mapping and alias documents. The trackers stored are counted in the store just before
  polling; the numbers polled are a random sample of every stored alias (all three kinds).
- Scan pipeline: timed from the first request (or record) until the tracking consumer group's committed
  offsets reached the end of `carrier-scans.v1` as it stood once everything was sent (lag zero); every tracker
  is then checked (untimed) to hold every scan sent to it, once.
- Order → booked comes from the order's own status history (server times); order → tracker visible is the
  time from sending the POST until `GET /v1/tracking/{shipment id}` first answered 200 (one polling loop,
  ~50 ms resolution).
- Ceilings: kafka-python with the services' producer and consumer settings; pymongo single-threaded (as one
  consumer); the trivial endpoint and the tracking closed-loop maximum by vegeta with the same clients.
- Cost model: see its section. Store commands come from FerretDB's own counters
  (`ferretdb_client_requests_total{command}` on its debug address), CPU from `/proc/<pid>/stat` (utime + stime,
  plus reaped children) of every process started from the stack's pid files and their descendants.
"""

COST_NOTE = """\
Each workload is counted from just before its first request until every service's consumer group has caught
up and no topic has grown for a moment (so the console's read model and every relay are in it); the bench's
own reads are kept out of every window. Units: orders placed (at a fixed rate with nobody polling them, a
step of its own), scans sent, tracking GETs sent over all rates. Figures per command name and per process are
gross: everything the stack did in the window over the units. The quiet background (no traffic, once settled:
relay sweeps, pollers, driver heartbeats) is given beside them; the net rows take it out pro rata to the
window. Net is a lower bound rather than the truth: under load the pollers slow down, so less background ran
than is taken out (most visible per tracking GET, a cheap unit in a short window). The target on commands per
order is judged on the gross figure. A bulk write is one command, as the store charges it.
"""

def write(result: dict[str, Any], out_dir: Path, stamp: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / stamp
    pictures = charts.draw_all(result, stem) + scale_out_chart.draw(result, stem)
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


DEAD_LETTERS_NOTE = (
    "The scan-pipeline parcels are booked by publishing `shipment.booked` straight onto shipments.v1, with no "
    "order behind them, so the orders consumer dead-letters their `shipment.booked` and "
    "`tracking.status_changed` events (\"names unknown order\"): those two counts are expected. "
    "`carrier-scans.v1.dlq` must stay at 0."
)


def markdown(result: dict[str, Any], pictures: list[Path]) -> str:
    machine = result["machine"]
    lines = [
        f"# parcelbridge bench — {result['started_at']}",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB; "
        f"Python {machine['python']}, Kafka {machine['kafka']}, FerretDB {machine['ferretdb']}; "
        f"git {machine['git']}. Command: `{result['command']}`. Consumer processes: "
        f"{summary.consumer_counts(result['configuration'])}.",
        "",
        "| section | measure | value |",
        "| --- | --- | --- |",
        *[f"| {s} | {m} | {v} |" for s, m, v in _rows(result)],
        "",
        "## Targets (issue 10, on this machine)",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
        *[f"| {t['target']} | {t['measured']} | {t['met']} |" for t in result["targets"]],
        "",
        *_cost_model(result["cost_model"]),
        *_polling(result["tracking_reads"]),
        *scale_out_curve.markdown(result.get("scale_out")),
        "## Peak memory",
        "",
        "| process | peak RSS (MiB) |",
        "| --- | --- |",
        *[f"| {m['process']} | {m['peak_rss_mib']} |" for m in result["memory"]],
        "",
        "## Dead-letter topics at the end",
        "",
        DEAD_LETTERS_NOTE,
        "",
        *[f"- `{topic}`: {count}" for topic, count in result["dead_letters"].items()],
        "",
        *(peer_report.markdown(result) if "peer" in result else []),
        "## Method",
        "",
        METHOD,
        *[f"![{p.stem}]({p.name})" for p in pictures],
        "",
    ]
    return "\n".join(lines)


def _rows(result: dict[str, Any]) -> list[summary.Row]:
    """The headline rows, the peer's after ours (a result from before the peer existed has none)."""
    return summary.rows(result) + (peer_report.summary_rows(result) if "peer" in result else [])


def _cost_model(cost: dict[str, Any]) -> list[str]:
    return [
        "## Cost model", "", COST_NOTE, cost_tables.idle_line(cost["idle"]), "",
        "### Store commands per unit", "", *cost_tables.commands_table(cost), "",
        "### CPU per unit", "", *cost_tables.cpu_table(cost), "",
    ]


def _polling(reads: dict[str, Any]) -> list[str]:
    """Each GET step in full: what was sent, the quantiles and what came back."""
    def row(label: str, r: dict[str, Any]) -> str:
        ms = r["ms"] or {}
        codes = ", ".join(f"{code}: {count:,}" for code, count in sorted(r["status_codes"].items()))
        cells = [f"{ms.get(q, float('nan')):.1f}" for q in ("p50", "p90", "p99", "max")]
        return f"| {label} | {r['requests']:,} | {r['achieved_rate_per_s']:,.1f} | {' | '.join(cells)} | {codes} |"

    loop = reads["closed_loop"]
    return [
        f"## Customer polling: {reads['stored']['trackers']:,} trackers stored, {reads['generator']}",
        "",
        f"Stop rule: {reads['stop_rule']}. Numbers polled: {reads['numbers']:,}, drawn at random from every "
        "stored number.",
        "",
        "| step | requests | sent/s | p50 ms | p90 ms | p99 ms | max ms | status codes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[row(f"{r['rate_per_s']:g} req/s", r) for r in reads["rates"]],
        *[f"| {rate:g} req/s | not run (previous rate broke) | | | | | | |" for rate in reads["not_run"]],
        row(f"304 path at {reads['not_modified']['rate_per_s']:g} req/s", reads["not_modified"]),
        row(f"closed loop, {loop['clients']} clients", loop),
        "",
    ]


def print_table(result: dict[str, Any], console: Console) -> None:
    table = Table(title="parcelbridge bench", show_lines=False)
    for column in ("section", "measure", "value"):
        table.add_column(column)
    for row in _rows(result):
        table.add_row(*row)
    console.print(table)
    targets = Table(title="targets (issue 10)")
    for column in ("target", "measured", "met"):
        targets.add_column(column)
    for target in result["targets"]:
        targets.add_row(target["target"], target["measured"], target["met"])
    console.print(targets)
