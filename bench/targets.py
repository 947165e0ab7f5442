"""Issue 10's targets, each judged against what a run measured: yes, no or not run."""

from __future__ import annotations

from typing import Any

GOAL_TRACKERS = 100_000
GOAL_COMMANDS_PER_ORDER = 12
GOAL_IDLE_SHARE = 0.25


def judged(result: dict[str, Any]) -> list[dict[str, str]]:
    """Issue 10's targets, each with what this run measured against it: yes, no or not run."""
    reads = result["tracking_reads"]
    stored = reads["stored"]["trackers"]
    get = _at_rate(f"tracking GET over {GOAL_TRACKERS:,} trackers: p99 ≤ 20 ms at 500 req/s", reads, 500, "ms", 20,
                   "req/s")
    get["measured"] += f", over {stored:,} trackers"
    if get["met"] == "yes" and stored < GOAL_TRACKERS:
        get["met"] = "no"
    return [
        _scan_target(result["scan_pipeline"]["http"]), get,
        _at_rate("order → booked at 100 orders/s: p99 ≤ 1 s, 0 errors", result["order_intake"], 100,
                 "order_to_booked_ms", 1000, "orders/s"),
        _commands_target(result["cost_model"]["orders"]), _idle_target(result["cost_model"]["idle"]),
    ]


def _scan_target(http: dict[str, Any]) -> dict[str, str]:
    check, lost = http["applied_check"], http.get("unacknowledged_requests", 0)
    accounted = check["scans_missing"] == 0 and check["complete"] == check["trackers_checked"] and not lost
    return _target("scan pipeline, HTTP ingest → applied: ≥ 2,000 scans/s, every scan accounted for",
                   f"{http['scans_per_s']:,.0f} scans/s; {check['scans_missing']} scans missing, "
                   f"{lost} requests unacknowledged", http["scans_per_s"] >= 2000 and accounted)


def _commands_target(orders: dict[str, Any]) -> dict[str, str]:
    """Judged on the gross count: the net one assumes the pollers kept their quiet rate under load, and they
    slow down instead, so only the gross count is sure to be no lower than the truth."""
    goal = f"store commands per order, end to end: ≤ {GOAL_COMMANDS_PER_ORDER}"
    gross, net = orders["commands_total_per_unit"], orders["commands_net_per_unit"]
    if gross is None:
        return {"target": goal, "met": "not run", "measured": f"no order placed ({orders['errors']} errors)"}
    everyone = orders["booked"] == orders["units"] and not orders["errors"]
    return _target(goal, f"{gross:,.1f} ({net:,.1f} net of the quiet background) at {orders['rate_per_s']:g} "
                         f"orders/s; {orders['booked']:,}/{orders['units']:,} booked",
                   gross <= GOAL_COMMANDS_PER_ORDER and everyone)


def _idle_target(idle: dict[str, Any]) -> dict[str, str]:
    share = idle["stack_core_share"]
    return _target(f"idle stack: ≤ {GOAL_IDLE_SHARE:.0%} of one core",
                   f"{share:.1%} of one core (simulator at {idle['simulator_rate_per_s']:g} orders/s, "
                   f"{idle['seconds']:g} s)", share <= GOAL_IDLE_SHARE and idle["simulator_ran_throughout"])


def _at_rate(goal: str, stepped: dict[str, Any], rate: float, key: str, p99_ms: float, unit: str) -> dict[str, str]:
    """A p99 goal at one rate: judged if that rate ran, else "not run" with where the steps stopped."""
    ran = next((r for r in stepped["rates"] if r["rate_per_s"] == rate), None)
    if ran is not None:
        p99 = (ran[key] or {}).get("p99", float("inf"))
        failed = ran["errors"] or ran.get("not_booked")
        return _target(goal, f"p99 {p99:,.1f} ms at {rate:g} {unit}", p99 <= p99_ms and not failed)
    last = stepped["rates"][-1]
    why = "broke" if rate in stepped["not_run"] else "was the highest rate"
    p99 = (last[key] or {}).get("p99", float("nan"))
    return {"target": goal, "met": "not run",
            "measured": f"{last['rate_per_s']:g} {unit} {why} (p99 {p99:,.1f} ms, {last['errors']} errors)"}


def _target(goal: str, measured: str, met: bool) -> dict[str, str]:
    return {"target": goal, "measured": measured, "met": "yes" if met else "no"}
