"""The fault run's figures as a plain-text table for the terminal (the JSON report holds the same)."""

from __future__ import annotations

from typing import Any

COLUMNS = ("fault", "outage s", "recovered", "recover s", "probe stages s (after back)", "died", "restarted",
           "orders answered")


def render(report: dict[str, Any]) -> list[str]:
    rows = [COLUMNS, *(_fault_row(outcome) for outcome in report.get("faults", []))]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append(f"baseline probe (no fault): {report.get('baseline_probe_s')} s "
                 f"({_stages({'probe_stages': report.get('baseline_probe_stages') or {}})}); "
                 f"run took {report.get('duration_s')} s")
    if "measure_error" in report:
        lines.append(report["measure_error"])
    for section in ("load", "orders", "parcels", "timelines", "webhooks", "dead_letters"):
        if section in report:
            figures = {k: v for k, v in report[section].items() if k != "examples"}
            lines.append(f"{section}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
            lines += [f"    e.g. {example}" for example in report[section].get("examples", [])]
    return lines


def _fault_row(outcome: dict[str, Any]) -> tuple:
    answered = ", ".join(f"{status}: {n}" for status, n in sorted(outcome["orders_answered"].items()))
    return (outcome["name"], outcome["outage_s"], "yes" if outcome["recovered"] else "NO",
            outcome["recover_s"] if outcome["recover_s"] is not None else "-", _stages(outcome),
            ", ".join(outcome["died"]) or "-", ", ".join(outcome["restarted"]) or "-", answered or "-")


def _stages(outcome: dict[str, Any]) -> str:
    stages = outcome.get("probe_stages") or {}
    return " ".join(f"{stage} {seconds}" for stage, seconds in stages.items()) or outcome.get("probe_reached", "-")
