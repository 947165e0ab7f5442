"""The peer's part of the report: what ran, each system's figures, the ratio tables, or the failure (pure)."""

from __future__ import annotations

from typing import Any

COMPLETION_NOTE = (
    "These two are not the same thing. **Ours, order → booked**: from the orders service accepting the POST to "
    "the order's `booked` status (server times from its history) — the outbox relay, `order.placed` over Kafka, "
    "the shipping consumer booking the shipment (numbers, legs, customs declaration), `shipment.booked` back over "
    "Kafka and the orders consumer applying it. **Karrio, create → read back**: from just before the POST to the "
    "first `GET /v1/orders/{id}` answering 200 — the order is stored inside the POST's own request, so this is "
    "the POST plus one read; nothing is booked with a carrier (Karrio books only when a shipment is bought)."
)
OVERHEADS = (
    "Karrio only: an API log row (drf-api-tracking's APILogIndex) written for every POST/PUT/PATCH/DELETE.",
    "Karrio only: a huey task per order (`order_created` webhook notification), queued in Redis (SQLite profile: "
    "in tasks.sqlite3, never run) and run by the huey consumer.",
    "Karrio only: DRF throttle bookkeeping per request (user and scoped throttles, read and written in the cache: "
    "Redis, or each worker's memory in the SQLite profile); limits raised to 100000/second so nothing is refused.",
    "Karrio only: one uvicorn access-log line per request; no connection reuse to the database "
    "(DATABASE_CONN_MAX_AGE=0, its default: a new connection per request).",
    "Karrio only, SQLite profile: without Redis every constance setting read goes to the database.",
    "Ours only: the Kafka hop — every order is produced to `orders.v1`, and its booking and tracker travel over "
    "`shipments.v1`, each consumed by another service.",
    "Ours only: the embedded outbox, written in the same document update as the order and removed by a relay "
    "after it is published.",
    "Ours only: the console's read model, a consumer group of its own reading every topic.",
    "Ours only: idempotency records (event ids applied) and a version guard on every consumer write; a JSON "
    "log line per request and Prometheus metrics.",
)


def profile_line(peer: dict[str, Any]) -> str:
    settings = peer.get("settings", {})
    described = ", ".join(f"{k}: {v}" for k, v in settings.items())
    reason = f" (fell back: {peer['profile_reason']})" if peer.get("profile_reason") else ""
    return f"Karrio {peer.get('version', '?')}, profile **{peer.get('profile', 'n/a')}**{reason}. {described}."


def markdown(result: dict[str, Any]) -> list[str]:
    """The whole peer section; a failure shows the error and the log excerpt instead of figures."""
    peer = result.get("peer")
    if peer is None:
        return ["## Peer: Karrio", "", "Not run (`--no-peer`).", ""]
    lines = ["## Peer: Karrio, same machine, same load tools, one run", "", profile_line(peer), ""]
    if peer.get("failed"):
        lines += [f"**The peer failed** at step `{peer.get('step', '?')}`: {peer['error']}", "",
                  f"Last lines of `{peer.get('log', '?')}`:", "", "```", peer.get("log_excerpt", ""), "```", ""]
    lines += _install(peer)
    if peer.get("reads"):
        lines += _reads(peer["reads"])
    if peer.get("orders"):
        lines += _orders(peer["orders"])
    return lines + _comparison(result.get("comparison") or {}) + ["### Overheads one system has and the other "
                                                                 "lacks", "", *[f"- {o}" for o in OVERHEADS], ""]


def _install(peer: dict[str, Any]) -> list[str]:
    timings, lines = peer.get("timings_s", {}), []
    if timings:
        installed = peer.get("install", {})
        state = " (installed now)" if installed.get("cold") else " (venv already current)"
        lines.append("Set-up times (s): " + ", ".join(f"{step} {seconds:,.1f}" for step, seconds in timings.items())
                     + (state if installed else "") + ".")
    seeded = peer.get("seeding")
    if seeded and seeded["trackers"]:
        lines.append(f"Seeded {seeded['trackers']:,} trackers through Karrio's ORM in {seeded['seconds']:,.1f} s "
                     f"({seeded['trackers_per_s']:,.0f}/s, Django start-up included).")
    return [*lines, ""] if lines else []


def _ms(summary: dict[str, float] | None, quantile: str) -> str:
    return f"{summary[quantile]:.1f}" if summary else "n/a"


def _reads(reads: dict[str, Any]) -> list[str]:
    def row(label: str, r: dict[str, Any]) -> str:
        codes = ", ".join(f"{code}: {count:,}" for code, count in sorted(r["status_codes"].items()))
        return (f"| {label} | {r['requests']:,} | {r['achieved_rate_per_s']:,.1f} | {_ms(r['ms'], 'p50')} | "
                f"{_ms(r['ms'], 'p99')} | {codes} |")

    loop = reads["closed_loop"]
    return [f"### Karrio tracker GET: {reads['stored']:,} trackers stored, {reads['numbers']:,} numbers polled", "",
            "| step | requests | sent/s | p50 ms | p99 ms | status codes |", "| --- | --- | --- | --- | --- | --- |",
            *[row(f"{r['rate_per_s']:g} req/s", r) for r in reads["rates"]],
            *[f"| {rate:g} req/s | not run (previous rate broke) | | | | |" for rate in reads["not_run"]],
            row(f"warm-up at {reads['warm_up']['rate_per_s']:g} req/s (not counted)", reads["warm_up"]),
            row(f"closed loop, {loop['clients']} clients ({loop['requests_per_s']:,.0f} ok/s)", loop), ""]


def _orders(orders: dict[str, Any]) -> list[str]:
    def row(r: dict[str, Any]) -> str:
        return (f"| {r['rate_per_s']:g}/s | {r['orders_sent']:,} | {_errors(r)} | {_ms(r['post_ms'], 'p50')} | "
                f"{_ms(r['post_ms'], 'p99')} | {_ms(r['read_back_ms'], 'p50')} | {_ms(r['read_back_ms'], 'p99')} | "
                f"{len(r['not_read_back'])} |")

    return [f"### Karrio order POST ({orders['generator']}); stop rule: {orders['stop_rule']}", "",
            "| rate | sent | errors | POST p50 ms | POST p99 ms | read back p50 ms | read back p99 ms "
            "| never read back |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |", *[row(r) for r in orders["rates"]],
            *[f"| {rate:g}/s | not run (previous rate broke) | | | | | | |" for rate in orders["not_run"]], ""]


def _errors(r: dict[str, Any]) -> str:
    """`19 (500: 19)`: how many were not 201, and what came back instead (0 = no answer)."""
    other = {code: n for code, n in sorted((r.get("status_codes") or {}).items()) if int(code) != 201}
    return f"{r['errors']} ({', '.join(f'{code}: {n:,}' for code, n in other.items())})" if other else str(r["errors"])


def _number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None or value == float("inf") else f"{value:,.{digits}f}"


def _comparison(comparison: dict[str, Any]) -> list[str]:
    if not comparison.get("throughput"):
        return ["No ratio table: the peer has no figures.", ""]
    return [
        "### Ratios", "", "Throughput, ours ÷ Karrio (above 1: ours does more):", "",
        "| measure | ours | Karrio | ours ÷ Karrio | note |", "| --- | --- | --- | --- | --- |",
        *[f"| {r['measure']} | {_number(r['ours'])} | {_number(r['karrio'])} | {_number(r['ours_over_karrio'], 2)} "
          f"| {r['note']} |" for r in comparison["throughput"]],
        "", "p99 at each rate both sustained, Karrio ÷ ours (above 1: ours answers faster):", "",
        "| workload | rate | ours p99 ms | Karrio p99 ms | Karrio ÷ ours |", "| --- | --- | --- | --- | --- |",
        *[f"| {r['workload']} | {r['rate_per_s']:g}/s | {_number(r['ours_p99_ms'])} | {_number(r['karrio_p99_ms'])} "
          f"| {_number(r['karrio_over_ours'], 2)} |" for r in comparison["latency"]],
        *(["| (no rate sustained by both) | | | | |"] if not comparison["latency"] else []),
        "", "### Order completion, side by side", "", COMPLETION_NOTE, "",
        "| rate | ours: order → booked p50 / p99 ms | Karrio: create → read back p50 / p99 ms |",
        "| --- | --- | --- |",
        *[f"| {r['rate_per_s']:g}/s | {_pair(r.get('ours_order_to_booked_ms'))} | "
          f"{_pair(r.get('karrio_create_to_read_back_ms'))} |" for r in comparison["order_completion"]], "",
    ]


def _pair(summary: dict[str, float] | None) -> str:
    return f"{summary['p50']:,.1f} / {summary['p99']:,.1f}" if summary else "not run"


def summary_rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The printed table's peer rows: the profile, or the failure, and the ratios."""
    peer = result.get("peer")
    if peer is None:
        return [("peer", "Karrio", "not run (--no-peer)")]
    if peer.get("failed"):
        return [("peer", "Karrio", f"FAILED at {peer.get('step')}: {peer['error']}")]
    comparison = result.get("comparison") or {}
    rows = [("peer", "Karrio profile", str(peer.get("profile")))]
    rows += [("peer", f"{r['measure']}: ours ÷ Karrio", f"{_number(r['ours'])} ÷ {_number(r['karrio'])} = "
              f"{_number(r['ours_over_karrio'], 2)}") for r in comparison.get("throughput", [])]
    rows += [("peer", f"{r['workload']} p99 at {r['rate_per_s']:g}/s: Karrio ÷ ours",
              f"{_number(r['karrio_p99_ms'])} ÷ {_number(r['ours_p99_ms'])} ms = {_number(r['karrio_over_ours'], 2)}")
             for r in comparison.get("latency", [])]
    return rows
