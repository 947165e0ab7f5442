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
        ("ceiling", f"trivial Flask under gunicorn ({h['threads']} clients)", f"{h['requests_per_s']:,.0f} req/s"),
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


def _intake_rows(intake: list[dict[str, Any]]) -> list[Row]:
    found = []
    for r in intake:
        rate = f"{r['rate_per_s']:g}/s x {r['duration_s']:g} s"
        found += [
            ("order intake", f"POST /v1/orders at {rate} ({r['errors']} errors)", _ms(r["post_ms"])),
            ("order intake", f"order → booked at {r['rate_per_s']:g}/s ({r['booked']} booked)",
             _ms(r["order_to_booked_ms"])),
            ("order intake", f"order → tracker visible at {r['rate_per_s']:g}/s",
             _ms(r["order_to_tracker_visible_ms"])),
        ]
    return found


def _read_rows(reads: dict[str, Any]) -> list[Row]:
    found = [("tracking GET", f"at {r['rate_per_s']:g}/s x {r['duration_s']:g} s ({r['errors']} errors)", _ms(r["ms"]))
             for r in reads["rates"]]
    nm = reads["not_modified"]
    found.append(("tracking GET", f"304 path at {nm['rate_per_s']:g}/s ({nm['errors']} not 304)", _ms(nm["ms"])))
    loop = reads["closed_loop"]
    found.append(("tracking GET", f"closed-loop maximum ({loop['threads']} clients)",
                  f"{loop['requests_per_s']:,.0f} req/s · {reads['ratio_to_trivial']:.0%} of trivial"))
    return found


def targets(result: dict[str, Any]) -> list[dict[str, str]]:
    """Issue 5's stretch goals on 2 cores, each with what this run measured against it."""
    scan = result["scan_pipeline"]
    http_rate, ratio = scan["http"]["scans_per_s"], scan["ratios"]["http"]
    reads = result["tracking_reads"]
    top_read = reads["rates"][-1]
    top_intake = result["order_intake"][-1]
    booked = top_intake["order_to_booked_ms"] or {}
    return [
        _target("scan pipeline ≥ 2,000 scans/s (HTTP ingest)", f"{http_rate:,.0f} scans/s", http_rate >= 2000),
        _target("scan pipeline ≥ 50% of the slowest ceiling", f"{ratio['of_slowest']:.0%} of {ratio['slowest']}",
                ratio["of_slowest"] >= 0.5),
        _target("tracking GET p99 ≤ 20 ms at 500 req/s",
                f"p99 {(top_read['ms'] or {}).get('p99', float('nan')):.1f} ms at {top_read['rate_per_s']:g} req/s",
                top_read["rate_per_s"] >= 500 and (top_read["ms"] or {}).get("p99", 1e9) <= 20,
                top_read["rate_per_s"] >= 500),
        _target("tracking GET ≥ 60% of the trivial endpoint", f"{reads['ratio_to_trivial']:.0%}",
                reads["ratio_to_trivial"] >= 0.6),
        _target("order → booked p99 ≤ 1 s at 100 orders/s",
                f"p99 {booked.get('p99', float('nan')):,.0f} ms at {top_intake['rate_per_s']:g} orders/s",
                top_intake["rate_per_s"] >= 100 and booked.get("p99", 1e9) <= 1000,
                top_intake["rate_per_s"] >= 100),
    ]


def _target(goal: str, measured: str, met: bool, rate_reached: bool = True) -> dict[str, str]:
    return {"target": goal, "measured": measured,
            "met": "yes" if met else ("no" if rate_reached else "no (rate not run)")}
