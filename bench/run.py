"""One bench run, step by step, on its own isolated stack; returns the result document."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from bench import (
    bars,
    ceilings,
    cost_steps,
    dead_letters,
    intake,
    parcels,
    scale_out,
    scans,
    seeding,
    steps,
    targets,
    tracking_reads,
    vegeta,
)
from bench.carrier_traffic import Traffic, traffic
from bench.config import BenchConfig
from bench.machine import describe
from bench.memory import peak_rss
from bench.meter import Meter
from bench.peer import after_ours
from bench.stack import Bench, running_stack
from bench.vegeta import Vegeta
from services.tracking import messages
from shared.events.schemas.shipments import ShipmentBooked
from shared.kafka.producer import record_for


class BenchFailed(RuntimeError):
    """A step failed; `partial` holds what was measured before it."""

    def __init__(self, message: str, partial: dict[str, Any]):
        super().__init__(message)
        self.partial = partial


def execute(config: BenchConfig, console: Console, command: str) -> dict[str, Any]:
    """Every step on a fresh isolated stack; raises BenchFailed with the partial result if a step fails."""
    result: dict[str, Any] = {"started_at": _now(), "command": command, "configuration": config.as_dict()}
    try:
        result = _steps(config, console, result)
    except Exception as exc:  # re-raised with what was measured, so a long run is not lost to its last step
        for key in ("bookings", "template"):
            result.get("setup", {}).pop(key, None)
        result["error"] = f"{type(exc).__name__}: {exc}"
        raise BenchFailed(result["error"], result) from exc
    return after_ours(result, config, console, Vegeta(vegeta_built(console)))


def _steps(config: BenchConfig, console: Console, result: dict[str, Any]) -> dict[str, Any]:
    load = Vegeta(vegeta_built(console))  # built before the stack starts: a missing Go fails in seconds, not minutes
    say = lambda m: console.print(f"[dim]{m}[/]")  # noqa: E731
    with running_stack(config.port_base, say, config.consumers) as bench, bars.progress(console) as bar:
        result["machine"] = describe(bench.stack.logs.parent)
        traffic_http, traffic_topic, setup = _prepare(bench, config, bar)
        result["setup"] = setup
        meter = Meter(bench, config.settle_quiet_s, config.settle_timeout_s)
        cost = result["cost_model"] = {"background": cost_steps.background(meter, config, bar)}
        pipeline = result["scan_pipeline"] = {}
        pipeline["http"] = bars.step(bar, "scans via HTTP ingest", traffic_http.total,
                                     lambda tick: scans.via_http(bench, traffic_http, config.posters, tick, meter))
        pipeline["topic"] = bars.step(bar, "scans via the topic", traffic_topic.total,
                                      lambda tick: scans.via_topic(bench, traffic_topic, tick, meter))
        cost["scans_http"], cost["scans_topic"] = pipeline["http"].pop("cost"), pipeline["topic"].pop("cost")
        result["ceilings"] = _ceilings(bench, load, config, traffic_topic, bar)
        result["scan_pipeline"]["ratios"] = _ratios(result)
        result["order_intake"] = _intake(bench, config, bar)
        cost["orders"] = cost_steps.orders(bench, meter, config, bar)
        result["tracking_reads"] = _reads(bench, load, config, setup["template"], result, bar, meter)
        cost["tracking_get"] = result["tracking_reads"].pop("cost")
        cost["idle"] = cost_steps.idle_stack(bench, meter, config, bar)
        result["memory"] = peak_rss(bench.stack.logs.parent / "run")
        result["dead_letters"] = dead_letters.counts(bench)
    result["scale_out"] = scale_out.measure(config, say)  # stacks of its own, on the port block just freed
    setup.pop("bookings")
    setup.pop("template")
    result["targets"] = targets.judged(result)
    result["finished_at"] = _now()
    return result


def _prepare(bench: Bench, config: BenchConfig, bar: Progress) -> tuple[Traffic, Traffic, dict[str, Any]]:
    """Two sets of booked parcels (one per scan path), their trackers created, and their carrier traffic."""
    template = parcels.template_booking(bench)
    bookings = parcels.clones(template, 2 * config.parcels)
    task = bar.add_task("trackers created", total=len(bookings))
    created_per_s = parcels.book(bench, bookings, lambda done: bar.update(task, completed=done))
    bar.update(task, completed=len(bookings))
    half = config.parcels
    task = bar.add_task("building carrier payloads", total=2)
    for_http = traffic(bookings[:half], config.scans, config.batch, config.seed)
    bar.advance(task)
    for_topic = traffic(bookings[half:], config.scans, config.batch, config.seed + 10**6)
    bar.advance(task)
    return for_http, for_topic, {"trackers": len(bookings), "trackers_created_per_s": round(created_per_s, 1),
                                 "bookings": bookings, "template": ShipmentBooked.model_validate(template)}


def vegeta_built(console: Console) -> Path:
    """vegeta's binary, built with Go the first time (the peer-only command uses it too)."""
    binary = vegeta.binary_path()
    if not vegeta.installed(binary):
        began = time.perf_counter()
        with console.status(f"building {vegeta.NAME} with Go into {binary.parent} (first run only, about a minute)"):
            vegeta.install(binary)
        console.print(f"[dim]{vegeta.NAME} built in {time.perf_counter() - began:.0f} s: {binary}[/]")
    return binary


def _ceilings(bench: Bench, load: Vegeta, config: BenchConfig, sample: Traffic, bar: Progress) -> dict[str, Any]:
    task = bar.add_task("ceilings", total=3)
    value = record_for(messages.scan_event(sample.scans[0], datetime.now(UTC), None)).value
    found = {"kafka": ceilings.kafka(bench, value, config.kafka_records)}
    bar.advance(task)
    document = bench.tracking_db()["trackers"].find_one({"_id": sample.scans[0].shipment_id})
    found["store"] = ceilings.store(bench, document, config.store_operations)
    bar.advance(task)
    found["http"] = ceilings.trivial_http(bench, load, config.http_clients, config.http_duration_s)
    bar.advance(task)
    return found


def _ratios(result: dict[str, Any]) -> dict[str, Any]:
    """Each path's scans/s over each per-record ceiling it depends on; the slowest one named."""
    kafka, store = result["ceilings"]["kafka"], result["ceilings"]["store"]
    limits = {"kafka consume": kafka["consume_per_s"], "kafka produce": kafka["produce_per_s"],
              "store insert": store["insert_per_s"], "store read by _id": store["read_by_id_per_s"]}
    slowest = min(limits, key=limits.get)
    # Applying one scan costs at least one read and one write of its tracker, one after the other.
    read_then_write = 1 / (1 / store["read_by_id_per_s"] + 1 / store["insert_per_s"])
    ratios = {}
    for path in ("http", "topic"):
        rate = result["scan_pipeline"][path]["scans_per_s"]
        ratios[path] = {"slowest": slowest, "of_slowest": round(rate / limits[slowest], 3),
                        **{f"of {name}": round(rate / limit, 3) for name, limit in limits.items()},
                        "of store read + insert in series": round(rate / read_then_write, 3)}
    return ratios


def _intake(bench: Bench, config: BenchConfig, bar: Progress) -> dict[str, Any]:
    def one_rate(rate: float) -> dict[str, Any]:
        total = round(rate * config.order_duration_s)
        return bars.step(bar, f"orders at {rate:g}/s", total,
                         lambda tick: intake.run_rate(bench, rate, config.order_duration_s, tick))

    found = steps.until_broken(config.order_rates, one_rate,
                               lambda r: steps.orders_broke(r, config.booked_p99_limit_ms))
    _say_not_run(bar, "orders", found["not_run"])
    return found | {"stop_rule": steps.order_stop_rule("never booked", "order → booked", config.booked_p99_limit_ms)}


def _reads(bench: Bench, load: Vegeta, config: BenchConfig, template: ShipmentBooked, result: dict[str, Any],
           bar: Progress, meter: Meter) -> dict[str, Any]:
    seeded, stored = _stored(bench, config, template, bar)
    numbers = tracking_reads.sample_numbers(bench.tracking_db(), config.read_sample, config.seed)
    warm_up = tracking_reads.warm_up(load, bench, numbers, config.read_rates[0], config.read_warmup_s)
    before = meter.begin()
    found = tracking_reads.stepped(
        load, bench, numbers, list(config.read_rates), config.read_duration_s, config.read_p99_limit_ms,
        lambda rate: bars.rate_bar(bar, f"tracking GET at {rate:g}/s", rate * config.read_duration_s))
    # A GET writes nothing, so there is nothing to settle: the window ends with the last step.
    cost = meter.cost(before, sum(r["requests"] for r in found["rates"]), settle=False)
    _say_not_run(bar, "tracking GET", found["not_run"])
    rate = tracking_reads.highest_passing_rate(found, config.read_p99_limit_ms)
    seconds = config.read_duration_s
    not_modified = bars.step(bar, f"tracking GET 304 path at {rate:g}/s", round(rate * seconds),
                             lambda tick: tracking_reads.not_modified(load, bench, numbers, rate, seconds, tick))
    loop = tracking_reads.closed_loop(load, bench, numbers, config.http_clients, config.http_duration_s,
                                      start=sum(r["requests"] for r in found["rates"]))
    trivial = result["ceilings"]["http"]["requests_per_s"]
    return {"cost": cost, "generator": vegeta.NAME, "seeding": seeded, "stored": stored, "numbers": len(numbers),
            "number_kinds": tracking_reads.kinds(numbers), "warm_up": warm_up, **found,
            "stop_rule": f"errors or p99 > {config.read_p99_limit_ms:g} ms", "not_modified": not_modified,
            "closed_loop": loop, "ratio_to_trivial": round(loop["requests_per_s"] / trivial, 3) if trivial else 0.0}


def _stored(bench: Bench, config: BenchConfig, template: ShipmentBooked, bar: Progress
            ) -> tuple[dict[str, Any], dict[str, int]]:
    """Seed trackers up to the configured count; what seeding took, and what the store then holds."""
    database = bench.tracking_db()
    missing = max(0, config.stored_trackers - seeding.stored_trackers(database)["trackers"])
    seeded = bars.step(bar, "trackers seeded into the store", missing,
                       lambda tick: seeding.seed(bench, template, missing, config.seed, tick))
    bar.console.print(f"[dim]seeded {seeded['trackers']:,} trackers in {seeded['seconds']:,.1f} s "
                      f"({seeded['trackers_per_s']:,.0f}/s, {seeded['processes']} processes)[/]")
    stored = seeding.stored_trackers(database)
    bar.console.print(f"[dim]stored when polling starts: {stored['trackers']:,} trackers, "
                      f"{stored['aliases']:,} numbers[/]")
    return seeded, stored


def _say_not_run(bar: Progress, what: str, rates: list[float]) -> None:
    if rates:
        bar.console.print(f"[yellow]{what} at {', '.join(f'{r:g}/s' for r in rates)}: not run "
                          "(previous rate broke)[/]")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
