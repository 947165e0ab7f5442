"""Fixed-rate steps: each rate in turn, stopping after the first one that broke (so a run stays short).

A rate *broke* when it had errors or its latency passed the step's limit; the rates after it are recorded
as not run, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Result = dict[str, Any]


def until_broken(rates: Sequence[float], run: Callable[[float], Result], broke: Callable[[Result], bool]
                 ) -> dict[str, Any]:
    """{"rates": the results of the rates run, "not_run": the rates skipped after the first that broke}."""
    ran: list[Result] = []
    for index, rate in enumerate(rates):
        ran.append(run(rate))
        if broke(ran[-1]):
            return {"rates": ran, "not_run": list(rates[index + 1:])}
    return {"rates": ran, "not_run": []}


def read_broke(result: Result, p99_limit_ms: float) -> bool:
    """A GET rate broke: any answer not the expected status, or p99 above the limit."""
    return bool(result["errors"]) or _p99(result["ms"]) > p99_limit_ms


def orders_broke(result: Result, p99_limit_ms: float) -> bool:
    """One of our order rates broke: the one order rule over order -> booked (see `order_rule_broke`)."""
    return order_rule_broke(result, "not_booked", "order_to_booked_ms", p99_limit_ms)


def order_rule_broke(result: Result, missing: str, completion: str, p99_limit_ms: float) -> bool:
    """An order rate broke, by the rule both systems' order steps share: a refused POST, an order that never
    completed (`missing`), or the p99 of either the POST answer or the `completion` above the limit.

    The POST's own p99 is in the rule because a system whose completion is timed from its server's clock
    (ours, from the order's status history) would otherwise pass with answers far slower than the limit.
    """
    return (bool(result["errors"]) or bool(result[missing])
            or _p99(result["post_ms"]) > p99_limit_ms or _p99(result[completion]) > p99_limit_ms)


def order_stop_rule(never: str, completion: str, p99_limit_ms: float) -> str:
    """The order rule in words, for the report: `never` names the missing orders, `completion` the time."""
    return (f"errors, an order {never}, or p99 of the POST or of {completion} > {p99_limit_ms:,.0f} ms")


def _p99(summary: dict[str, float] | None) -> float:
    return summary["p99"] if summary else float("inf")
