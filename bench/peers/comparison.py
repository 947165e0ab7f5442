"""Ours beside the peer: throughput ratios (ours ÷ Karrio), p99 ratios (Karrio ÷ ours) at rates both sustained.

Pure: it reads a finished result document (ours under `tracking_reads`/`order_intake`, the peer under `peer`)
and returns the ratio table with the raw figures it came from.
"""

from __future__ import annotations

from typing import Any

from bench import steps

Row = dict[str, Any]


def peer_orders_broke(result: dict[str, Any], p99_limit_ms: float) -> bool:
    """A Karrio order rate broke: the one order rule of `bench.steps`, over create -> read back."""
    return steps.order_rule_broke(result, "not_read_back", "read_back_ms", p99_limit_ms)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator to 3 places; None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def highest_sustained(rates: list[dict[str, Any]], sustained) -> float:
    """The highest fixed rate that did not break (0 when every rate run broke)."""
    return max((r["rate_per_s"] for r in rates if sustained(r)), default=0.0)


def compare(result: dict[str, Any]) -> dict[str, Any]:
    """The ratio tables; empty lists where the peer has no figures (it failed or was skipped)."""
    peer, config = result.get("peer") or {}, result["configuration"]
    if not peer.get("reads") or not peer.get("orders"):
        return {"throughput": [], "latency": [], "order_completion": []}
    read_ok = _read_sustained(config["read_p99_limit_ms"])
    ours_order_ok = lambda r: not steps.orders_broke(r, config["booked_p99_limit_ms"])  # noqa: E731
    peer_order_ok = lambda r: not peer_orders_broke(r, config["booked_p99_limit_ms"])  # noqa: E731
    ours_reads, ours_orders = result["tracking_reads"], result["order_intake"]
    return {
        "throughput": _throughput(ours_reads, ours_orders, peer, read_ok, ours_order_ok, peer_order_ok, config),
        "latency": [*_p99_rows("tracker GET", ours_reads["rates"], peer["reads"]["rates"], read_ok, read_ok,
                               lambda r: r["ms"]),
                    *_p99_rows("order POST", ours_orders["rates"], peer["orders"]["rates"], ours_order_ok,
                               peer_order_ok, lambda r: r["post_ms"])],
        "order_completion": _completion(ours_orders["rates"], peer["orders"]["rates"]),
    }


def _read_sustained(limit_ms: float):
    return lambda r: not steps.read_broke(r, limit_ms)


def _throughput(ours_reads, ours_orders, peer, read_ok, ours_order_ok, peer_order_ok, config) -> list[Row]:
    rows = [
        _row("tracker GET, closed-loop maximum (req/s)", ours_reads["closed_loop"]["requests_per_s"],
             peer["reads"]["closed_loop"]["requests_per_s"]),
        _row("tracker GET, highest fixed rate sustained (req/s)", highest_sustained(ours_reads["rates"], read_ok),
             highest_sustained(peer["reads"]["rates"], read_ok), top=max(config["read_rates"])),
        _row("order POST, highest fixed rate sustained (orders/s)",
             highest_sustained(ours_orders["rates"], ours_order_ok),
             highest_sustained(peer["orders"]["rates"], peer_order_ok), top=max(config["order_rates"])),
    ]
    return rows


def _row(measure: str, ours: float, karrio: float, top: float | None = None) -> Row:
    return {"measure": measure, "ours": ours, "karrio": karrio, "ours_over_karrio": ratio(ours, karrio),
            "note": _note(ours, karrio, top)}


def _note(ours: float, karrio: float, top: float | None) -> str:
    """Why a sustained-rate ratio says less than it seems: capped by the steps, or a side sustained none."""
    if top is None:
        return ""
    if ours == karrio == top:
        return "both sustained the highest rate run: the steps, not the systems, set this figure"
    if not ours or not karrio:
        names = " and ".join(name for name, rate in (("ours", ours), ("Karrio", karrio)) if not rate)
        return f"{names} sustained not even the lowest rate run"
    return ""


def _p99_rows(workload: str, ours: list[dict[str, Any]], peer: list[dict[str, Any]], ours_ok, peer_ok,
              latency) -> list[Row]:
    """One row per rate both systems ran and sustained: each p99 and Karrio's over ours."""
    theirs = {r["rate_per_s"]: r for r in peer}
    rows = []
    for mine in ours:
        other = theirs.get(mine["rate_per_s"])
        if other is None or not ours_ok(mine) or not peer_ok(other):
            continue
        ours_p99, karrio_p99 = _p99(latency(mine)), _p99(latency(other))
        rows.append({"workload": workload, "rate_per_s": mine["rate_per_s"], "ours_p99_ms": ours_p99,
                     "karrio_p99_ms": karrio_p99, "karrio_over_ours": ratio(karrio_p99, ours_p99)})
    return rows


def _completion(ours: list[dict[str, Any]], peer: list[dict[str, Any]]) -> list[Row]:
    """Order -> booked (ours) beside create -> read back (Karrio) at each rate either ran."""
    by_rate: dict[float, Row] = {}
    for r in ours:
        by_rate.setdefault(r["rate_per_s"], {"rate_per_s": r["rate_per_s"]})["ours_order_to_booked_ms"] = (
            r["order_to_booked_ms"])
    for r in peer:
        by_rate.setdefault(r["rate_per_s"], {"rate_per_s": r["rate_per_s"]})["karrio_create_to_read_back_ms"] = (
            r["read_back_ms"])
    return [by_rate[rate] for rate in sorted(by_rate)]


def _p99(summary: dict[str, float] | None) -> float:
    return summary["p99"] if summary else float("inf")
