"""The cost model in the Markdown report: store commands and CPU per unit, per workload, and the idle stack."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bench.cpu import NOT_THE_STACK, SIMULATOR

# (key in the result's cost_model, column heading)
WORKLOADS = (("orders", "per order"), ("scans_http", "per scan, HTTP ingest"), ("scans_topic", "per scan, topic"),
             ("tracking_get", "per tracking GET"))
RATES = (("background", "quiet background"), ("idle", "idle, simulator on"))
FIRST = ("kafka", "ferretdb")
NONE = "n/a"  # the two components lead the CPU table; the services follow by name


def commands_table(cost: Mapping[str, Any]) -> list[str]:
    """Commands per unit by command name (gross), their total, and the total net of the quiet background."""
    names = _ordered(cost, "commands_per_unit", "commands_per_s")
    rows = [_row(name, [_cell(cost, k, "commands_per_unit", name, 2) for k, _ in WORKLOADS]
                 + [_cell(cost, k, "commands_per_s", name, 1) for k, _ in RATES]) for name in names]
    return [
        *_header("command", [h for _, h in WORKLOADS] + [f"{h}, per s" for _, h in RATES]),
        *rows,
        _row("**total**", [_fmt(cost.get(k, {}).get("commands_total_per_unit"), 2) for k, _ in WORKLOADS]
             + [_fmt(cost.get(k, {}).get("commands_total_per_s"), 1) for k, _ in RATES]),
        _row("**net of the quiet background**",
             [_fmt(cost.get(k, {}).get("commands_net_per_unit"), 2) for k, _ in WORKLOADS] + ["", ""]),
        _row("units counted", [_units(cost.get(k)) for k, _ in WORKLOADS] + [_window(cost.get(k)) for k, _ in RATES]),
    ]


def cpu_table(cost: Mapping[str, Any]) -> list[str]:
    """CPU-ms per unit by process type (gross) and the stack's total, gross and net; shares of a core at rest."""
    kinds = _ordered(cost, "cpu_ms_per_unit", "core_share")
    stack = [kind for kind in kinds if kind not in NOT_THE_STACK]
    outside = [kind for kind in kinds if kind in NOT_THE_STACK]
    return [
        *_header("process", [f"{h}, ms" for _, h in WORKLOADS] + [f"{h}, % of a core" for _, h in RATES]),
        *[_cpu_row(cost, kind) for kind in stack],
        _row("**stack total**", [_fmt(cost.get(k, {}).get("stack_cpu_ms_per_unit"), 2) for k, _ in WORKLOADS]
             + [_percent(cost.get(k, {}).get("stack_core_share")) for k, _ in RATES]),
        _row("**stack net of the quiet background**",
             [_fmt(cost.get(k, {}).get("stack_cpu_net_ms_per_unit"), 2) for k, _ in WORKLOADS] + ["", ""]),
        *[_cpu_row(cost, kind, f"{kind} (not in the totals)") for kind in outside],
    ]


def idle_line(idle: Mapping[str, Any]) -> str:
    """One sentence: the stack's share of a core with the simulator on, its three largest parts, store rate."""
    shares = {k: v for k, v in idle["core_share"].items() if k not in NOT_THE_STACK}
    top = ", ".join(f"{kind} {_percent(share)}" for kind, share in list(shares.items())[:3])
    return (f"Idle with the simulator at {idle['simulator_rate_per_s']:g} orders/s, measured over "
            f"{idle['seconds']:g} s after {idle['warm_up_s']:g} s of warm-up: the stack used "
            f"{_percent(idle['stack_core_share'])} of one core ({top}, …) and sent the store "
            f"{idle['commands_total_per_s']:,.1f} commands/s; the simulator itself used "
            f"{_percent(idle['core_share'].get(SIMULATOR))}, not counted in the stack.")


def summary_rows(cost: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Net store commands and stack CPU per unit, and the idle stack's share of a core."""
    found = []
    for key, unit in (("orders", "order"), ("scans_http", "scan (HTTP ingest)"), ("scans_topic", "scan (topic)"),
                      ("tracking_get", "tracking GET")):
        c = cost[key]
        found.append(("cost", f"per {unit}, net of background (gross)",
                      f"{_n(c['commands_net_per_unit'])} store commands ({_n(c['commands_total_per_unit'])}) · "
                      f"{_n(c['stack_cpu_net_ms_per_unit'])} CPU-ms ({_n(c['stack_cpu_ms_per_unit'])})"))
    background, idle = cost["background"], cost["idle"]
    found += [("cost", f"quiet background ({background['seconds']:g} s, no traffic)",
               f"{background['stack_core_share']:.1%} of one core · {background['commands_total_per_s']:,.1f} "
               "store commands/s"),
              ("cost", f"idle, simulator at {idle['simulator_rate_per_s']:g} orders/s ({idle['seconds']:g} s)",
               f"{idle['stack_core_share']:.1%} of one core · {idle['commands_total_per_s']:,.1f} store commands/s")]
    return found


def _n(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _cpu_row(cost: Mapping[str, Any], kind: str, label: str | None = None) -> str:
    return _row(label or kind, [_cell(cost, k, "cpu_ms_per_unit", kind, 2) for k, _ in WORKLOADS]
                + [_percent(cost.get(k, {}).get("core_share", {}).get(kind)) for k, _ in RATES])


def _ordered(cost: Mapping[str, Any], per_unit: str, per_s: str) -> list[str]:
    """Every name any workload has, the components first, then by the largest figure per order (or overall)."""
    seen: dict[str, float] = {}
    for key, _ in WORKLOADS:
        for name, value in cost.get(key, {}).get(per_unit, {}).items():
            seen[name] = max(seen.get(name, 0.0), value or 0.0)
    for key, _ in RATES:
        for name in cost.get(key, {}).get(per_s, {}):
            seen.setdefault(name, 0.0)
    return sorted(seen, key=lambda name: (name not in FIRST, FIRST.index(name) if name in FIRST else 0,
                                          -seen[name], name))


def _cell(cost: Mapping[str, Any], workload: str, field: str, name: str, digits: int) -> str:
    return _fmt(cost.get(workload, {}).get(field, {}).get(name), digits)


def _units(found: Mapping[str, Any] | None) -> str:
    if not found:
        return "not run"
    # A window that ended before the stack caught up undercounts: said, not hidden.
    unsettled = any(not (found.get(key) or {}).get("settled", True) for key in ("settled_before", "settled_after"))
    return f"{found['units']:,} in {found['seconds']:g} s" + (" (stack not settled)" if unsettled else "")


def _window(found: Mapping[str, Any] | None) -> str:
    return f"{found['seconds']:g} s" if found else "not run"


def _fmt(value: float | None, digits: int) -> str:
    return NONE if value is None else f"{value:,.{digits}f}"


def _percent(share: float | None) -> str:
    return NONE if share is None else f"{share:.1%}"


def _header(first: str, columns: Iterable[str]) -> list[str]:
    heads = [first, *columns]
    return [_row(heads[0], heads[1:]), "| " + " | ".join("---" for _ in heads) + " |"]


def _row(label: str, cells: Iterable[str]) -> str:
    return "| " + " | ".join([label, *cells]) + " |"
