"""The headline rows of a result, shared by the printed table and the Markdown report."""

from __future__ import annotations

from typing import Any

from bench import cost_tables

Row = tuple[str, str, str]  # section, measure, value


def _ms(summary: dict | None) -> str:
    return f"p50 {summary['p50']:.1f} ms · p99 {summary['p99']:.1f} ms" if summary else "n/a"


def rows(result: dict[str, Any]) -> list[Row]:
    return [*_ceiling_rows(result["ceilings"]), *_scan_rows(result["scan_pipeline"]),
            *_intake_rows(result["order_intake"]), *_read_rows(result["tracking_reads"]),
            *cost_tables.summary_rows(result["cost_model"])]


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


def consumer_counts(configuration: dict[str, Any]) -> str:
    """Consumer processes per service, as configured (a result from before a setting existed had 1)."""
    return ", ".join(f"{service} {configuration.get(f'{service}_consumers', 1)}"
                     for service in ("orders", "shipping", "tracking"))
