"""The peer's lines on our charts: Karrio's p50/p99 beside ours, in grey tones and marked "Karrio"."""

from __future__ import annotations

from typing import Any

PEER_COLOUR = "#555555"


def reads(axes, peer: dict[str, Any] | None) -> None:
    """Karrio's tracker GET p50 and p99 at each fixed rate it ran (nothing when it has no figures)."""
    reads_ = (peer or {}).get("reads") or {}
    steps = reads_.get("rates") or []
    _lines(axes, [r["rate_per_s"] for r in steps], [r["ms"] for r in steps],
           f"Karrio GET /v1/trackers ({reads_.get('stored', 0):,} stored)")
    if steps:  # the two can be orders of magnitude apart: on a linear axis ours would lie flat on zero
        axes.set_yscale("log")


def orders(axes, peer: dict[str, Any] | None) -> None:
    """Karrio's POST /v1/orders and create -> read back, p50 and p99 at each fixed rate it ran."""
    steps = ((peer or {}).get("orders") or {}).get("rates") or []
    rates = [r["rate_per_s"] for r in steps]
    _lines(axes, rates, [r["post_ms"] for r in steps], "Karrio POST /v1/orders")
    _lines(axes, rates, [r["read_back_ms"] for r in steps], "Karrio create → read back", marker="^")


def _lines(axes, rates: list[float], summaries: list[dict[str, float] | None], label: str, marker: str = "x"
           ) -> None:
    if not rates:
        return
    for quantile, style in (("p50", "-"), ("p99", "--")):
        values = [(s or {}).get(quantile, float("nan")) for s in summaries]
        axes.plot(rates, values, style + marker, color=PEER_COLOUR, alpha=0.8, label=f"{label} {quantile}")
