"""PNG charts of a result, drawn with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

from bench.cost_tables import WORKLOADS
from bench.peers import peer_series

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw_all(result: dict[str, Any], stem: Path) -> list[Path]:
    """Every chart beside `stem` (…/<timestamp>-<name>.png); returns their paths."""
    drawn = [
        _throughput(result, stem.with_name(f"{stem.name}-throughput.png")),
        _intake(result["order_intake"], stem.with_name(f"{stem.name}-order-intake.png"), result.get("peer")),
        _reads(result["tracking_reads"], stem.with_name(f"{stem.name}-tracking-reads.png"), result.get("peer")),
        _memory(result["memory"], stem.with_name(f"{stem.name}-memory.png")),
        _commands(result["cost_model"], stem.with_name(f"{stem.name}-store-commands.png")),
    ]
    return [path for path in drawn if path]


def _throughput(result: dict[str, Any], path: Path) -> Path:
    kafka, store = result["ceilings"]["kafka"], result["ceilings"]["store"]
    scans = result["scan_pipeline"]
    bars = {
        "kafka produce": kafka["produce_per_s"], "kafka consume": kafka["consume_per_s"],
        "store insert": store["insert_per_s"], "store read by _id": store["read_by_id_per_s"],
        "scans: topic → tracker": scans["topic"]["scans_per_s"],
        "scans: HTTP → tracker": scans["http"]["scans_per_s"],
    }
    figure, axes = plt.subplots(figsize=(8, 4))
    colours = ["#8da0cb"] * 4 + ["#fc8d62"] * 2
    axes.barh(list(bars), list(bars.values()), color=colours)
    axes.set_xscale("log")
    axes.set_xlabel("operations or scans per second (log scale)")
    axes.set_title("Scan pipeline against the ceilings it depends on")
    for y, value in enumerate(bars.values()):
        axes.text(value, y, f" {value:,.0f}", va="center", fontsize=8)
    return _save(figure, path)


def _intake(stepped: dict[str, Any], path: Path, peer: dict[str, Any] | None = None) -> Path:
    intake = stepped["rates"]
    rates = [r["rate_per_s"] for r in intake]
    figure, axes = plt.subplots(figsize=(8, 4))
    for key, label in (("post_ms", "POST /v1/orders"), ("order_to_booked_ms", "order → booked"),
                       ("order_to_tracker_visible_ms", "order → tracker visible")):
        for quantile, style in (("p50", "-o"), ("p99", "--o")):
            values = [(r[key] or {}).get(quantile, float("nan")) for r in intake]
            axes.plot(rates, values, style, label=f"{label} {quantile}")
    peer_series.orders(axes, peer)
    axes.set_yscale("log")
    axes.set_xlabel("orders per second (fixed rate)")
    axes.set_ylabel("ms (log scale)")
    axes.set_title("Order intake latency")
    axes.legend(fontsize=7)
    return _save(figure, path)


def _reads(reads: dict[str, Any], path: Path, peer: dict[str, Any] | None = None) -> Path:
    steps = reads["rates"]
    rates = [r["rate_per_s"] for r in steps]
    figure, axes = plt.subplots(figsize=(8, 4))
    for quantile, style in (("p50", "-o"), ("p99", "--o")):
        axes.plot(rates, [(r["ms"] or {}).get(quantile, float("nan")) for r in steps], style,
                  label=f"200 {quantile}")
    nm = reads["not_modified"]
    if nm["ms"]:
        axes.plot([nm["rate_per_s"]] * 2, [nm["ms"]["p50"], nm["ms"]["p99"]], "s", label="304 p50 / p99")
    peer_series.reads(axes, peer)
    axes.axhline(20, color="grey", linewidth=0.8, linestyle=":", label="target p99 20 ms")
    axes.set_xlabel("requests per second (fixed rate, open loop)")
    axes.set_ylabel("ms")
    axes.set_title(f"GET /v1/tracking/{{number}}: {reads['stored']['trackers']:,} trackers stored, "
                   f"{reads['generator']}")
    axes.legend(fontsize=7)
    return _save(figure, path)


def _memory(memory: list[dict[str, Any]], path: Path) -> Path | None:
    if not memory:
        return None
    figure, axes = plt.subplots(figsize=(8, max(3, 0.25 * len(memory))))
    axes.barh([m["process"] for m in memory], [m["peak_rss_mib"] for m in memory], color="#66c2a5")
    axes.invert_yaxis()
    axes.set_xlabel("peak RSS (MiB)")
    axes.set_title("Peak resident memory per process")
    axes.tick_params(axis="y", labelsize=7)
    return _save(figure, path)


def _commands(cost: dict[str, Any], path: Path) -> Path:
    """Store commands per unit of each workload, stacked by command name (gross), the net total written beside."""
    ran = [(key, label) for key, label in WORKLOADS if cost.get(key, {}).get("units")]
    names = sorted({name for key, _ in ran for name in cost[key]["commands_per_unit"]})
    figure, axes = plt.subplots(figsize=(10, 1.6 + 0.6 * len(ran)))
    left = [0.0] * len(ran)
    for name in names:
        values = [cost[key]["commands_per_unit"].get(name) or 0.0 for key, _ in ran]
        axes.barh([label for _, label in ran], values, left=left, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, (key, _) in enumerate(ran):
        axes.text(left[y], y, f"  net {cost[key]['commands_net_per_unit']:,.1f}", va="center", fontsize=8)
    axes.set_xlim(0, max([*left, 12]) * 1.15)  # room for the net figures written after each bar
    axes.axvline(12, color="grey", linewidth=0.8, linestyle=":", label="target per order: 12")
    axes.invert_yaxis()
    axes.set_xlabel("store commands per unit, gross (FerretDB's counters); net of the quiet background beside each bar")
    axes.set_title("Store commands per unit, by command")
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    return _save(figure, path)


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
