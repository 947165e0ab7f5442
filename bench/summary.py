"""The headline rows of a result (shared by the printed table and the Markdown report), and the targets."""

from __future__ import annotations

from typing import Any

Row = tuple[str, str, str]  # section, measure, value


def _ms(summary: dict | None) -> str:
    return f"p50 {summary['p50']:.1f} ms · p99 {summary['p99']:.1f} ms" if summary else "n/a"


def rows(result: dict[str, Any]) -> list[Row]:
    return [*_ceiling_rows(result["ceilings"]), *_scan_rows(result["scan_pipeline"]),
            *_intake_rows(result["order_intake"]), *_read_rows(result["tracking_reads"])]


def _ceiling_rows(c: dict[str, Any]) -> list[Row]:
    k, s, h = c["kafka"], c["store"], c["http"]
    return [
        ("ceiling", f"kafka-python produce ({k['record_bytes']} B events)", f"{k['produce_per_s']:,.0f} /s"),
        ("ceiling", f"kafka-python consume ({k['record_bytes']} B events)", f"{k['consume_per_s']:,.0f} /s"),
        ("ceiling", f"store insert_one ({s['document_bytes']:,} B tracker)", f"{s['insert_per_s']:,.0f} /s"),
        ("ceiling", "store find_one by _id", f"{s['read_by_id_per_s']:,.0f} /s"),
        ("ceiling", f"trivial Flask under gunicorn ({h['generator']}, {h['clients']} clients)",
         f"{h['requests_per_s']:,.0f} req/s"),
    ]


def _scan_rows(p: dict[str, Any]) -> list[Row]:
    found = []
    for path, label in (("http", "HTTP ingest → topic → tracker"), ("topic", "topic → tracker")):
        r = p[path]
        ratio = p["ratios"][path]
        check = r["applied_check"]
        found += [
            ("scan pipeline", f"{label} ({r['scans']:,} scans, {r['parcels']:,} parcels)",
             f"{r['scans_per_s']:,.0f} scans/s · {ratio['of_slowest']:.0%} of {ratio['slowest']}"),
            ("scan pipeline", f"{label}: trackers holding every scan sent",
             f"{check['complete']:,}/{check['trackers_checked']:,} ({check['scans_missing']} scans missing)"),
        ]
    return found


NOT_RUN = "not run (previous rate broke)"


def _intake_rows(intake: dict[str, Any]) -> list[Row]:
    found = []
    for r in intake["rates"]:
        rate = f"{r['rate_per_s']:g}/s x {r['duration_s']:g} s"
        found += [
            ("order intake", f"POST /v1/orders at {rate} ({r['errors']} errors)", _ms(r["post_ms"])),
            ("order intake", f"order → booked at {r['rate_per_s']:g}/s ({r['booked']} booked, "
                             f"{len(r['not_booked'])} not)", _ms(r["order_to_booked_ms"])),
            ("order intake", f"order → tracker visible at {r['rate_per_s']:g}/s",
             _ms(r["order_to_tracker_visible_ms"])),
        ]
    return found + [("order intake", f"orders at {rate:g}/s", NOT_RUN) for rate in intake["not_run"]]


def _read_rows(reads: dict[str, Any]) -> list[Row]:
    stored, seeded = reads["stored"], reads["seeding"]
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(reads["number_kinds"].items()))
    found = [
        ("tracking GET", "trackers stored when polling ran (counted in the store)",
         f"{stored['trackers']:,} ({seeded['trackers']:,} seeded in {seeded['seconds']:,.0f} s, "
         f"{seeded['trackers_per_s']:,.0f}/s)"),
        ("tracking GET", "numbers polled (random sample of every stored number)", f"{reads['numbers']:,}: {kinds}"),
        ("tracking GET", "load generator", f"{reads['generator']} (open loop, constant rate)"),
        *[("tracking GET", f"at {r['rate_per_s']:g}/s x {r['duration_s']:g} s ({r['errors']} errors)", _ms(r["ms"]))
          for r in reads["rates"]],
        *[("tracking GET", f"at {rate:g}/s", NOT_RUN) for rate in reads["not_run"]],
    ]
    nm = reads["not_modified"]
    found.append(("tracking GET", f"304 path at {nm['rate_per_s']:g}/s ({nm['errors']} not 304)", _ms(nm["ms"])))
    loop = reads["closed_loop"]
    found.append(("tracking GET", f"closed-loop maximum ({loop['clients']} clients)",
                  f"{loop['requests_per_s']:,.0f} req/s · {reads['ratio_to_trivial']:.0%} of trivial"))
    return found


def targets(result: dict[str, Any]) -> list[dict[str, str]]:
    """Issue 5's stretch goals on 2 cores, each with what this run measured against it: yes, no or not run."""
    scan = result["scan_pipeline"]
    http_rate, ratio = scan["http"]["scans_per_s"], scan["ratios"]["http"]
    reads = result["tracking_reads"]
    return [
        _target("scan pipeline ≥ 2,000 scans/s (HTTP ingest)", f"{http_rate:,.0f} scans/s", http_rate >= 2000),
        _target("scan pipeline ≥ 50% of the slowest ceiling", f"{ratio['of_slowest']:.0%} of {ratio['slowest']}",
                ratio["of_slowest"] >= 0.5),
        _at_rate("tracking GET p99 ≤ 20 ms at 500 req/s", reads, 500, "ms", 20, "req/s"),
        _target("tracking GET ≥ 60% of the trivial endpoint", f"{reads['ratio_to_trivial']:.0%}",
                reads["ratio_to_trivial"] >= 0.6),
        _at_rate("order → booked p99 ≤ 1 s at 100 orders/s", result["order_intake"], 100, "order_to_booked_ms",
                 1000, "orders/s"),
    ]


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


def consumer_counts(configuration: dict[str, Any]) -> str:
    """Consumer processes per service, as configured (a result from before a setting existed had 1)."""
    return ", ".join(f"{service} {configuration.get(f'{service}_consumers', 1)}"
                     for service in ("orders", "shipping", "tracking"))
