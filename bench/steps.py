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


def orders_broke(result: Result, booked_p99_limit_ms: float) -> bool:
    """An order rate broke: a refused POST, an order not booked in time, or order -> booked p99 above the limit."""
    return (bool(result["errors"]) or bool(result["not_booked"])
            or _p99(result["order_to_booked_ms"]) > booked_p99_limit_ms)


def _p99(summary: dict[str, float] | None) -> float:
    return summary["p99"] if summary else float("inf")
