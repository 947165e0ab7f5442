"""One bench run, step by step, on its own isolated stack; returns the result document."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import ceilings, dead_letters, intake, parcels, scans, summary, tracking_reads
from bench.carrier_traffic import Traffic, traffic
from bench.config import BenchConfig
from bench.machine import describe
from bench.memory import peak_rss
from bench.stack import Bench, running_stack
from services.tracking import messages
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
        return _steps(config, console, result)
    except Exception as exc:  # re-raised with what was measured, so a long run is not lost to its last step
        result.get("setup", {}).pop("bookings", None)
        result["error"] = f"{type(exc).__name__}: {exc}"
        raise BenchFailed(result["error"], result) from exc


def _steps(config: BenchConfig, console: Console, result: dict[str, Any]) -> dict[str, Any]:
    with running_stack(config.port_base, lambda m: console.print(f"[dim]{m}[/]")) as bench, _progress(console) as bar:
        result["machine"] = describe(bench.stack.logs.parent)
        traffic_http, traffic_topic, setup = _prepare(bench, config, bar)
        result["setup"] = setup
        pipeline = result["scan_pipeline"] = {}
        pipeline["http"] = _step(bar, "scans via HTTP ingest", traffic_http.total,
                                 lambda tick: scans.via_http(bench, traffic_http, config.posters, tick))
        pipeline["topic"] = _step(bar, "scans via the topic", traffic_topic.total,
                                  lambda tick: scans.via_topic(bench, traffic_topic, tick))
        result["ceilings"] = _ceilings(bench, config, traffic_topic, bar)
        result["scan_pipeline"]["ratios"] = _ratios(result)
        result["order_intake"] = _intake(bench, config, bar)
        result["tracking_reads"] = _reads(bench, config, setup["bookings"], result, bar)
        result["memory"] = peak_rss(bench.stack.logs.parent / "run")
        result["dead_letters"] = dead_letters.counts(bench)
    setup.pop("bookings")
    result["targets"] = summary.targets(result)
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
                                 "bookings": bookings}


def _ceilings(bench: Bench, config: BenchConfig, sample: Traffic, bar: Progress) -> dict[str, Any]:
    task = bar.add_task("ceilings", total=3)
    value = record_for(messages.scan_event(sample.scans[0], datetime.now(UTC), None)).value
    found = {"kafka": ceilings.kafka(bench, value, config.kafka_records)}
    bar.advance(task)
    document = bench.tracking_db()["trackers"].find_one({"_id": sample.scans[0].shipment_id})
    found["store"] = ceilings.store(bench, document, config.store_operations)
    bar.advance(task)
    found["http"] = ceilings.trivial_http(bench, config.http_threads, config.http_duration_s)
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


def _intake(bench: Bench, config: BenchConfig, bar: Progress) -> list[dict[str, Any]]:
    found = []
    for rate in config.order_rates:
        total = round(rate * config.order_duration_s)
        found.append(_step(bar, f"orders at {rate:g}/s", total,
                           lambda tick, r=rate: intake.run_rate(bench, r, config.order_duration_s, tick)))
    return found


def _reads(bench: Bench, config: BenchConfig, bookings, result: dict[str, Any], bar: Progress) -> dict[str, Any]:
    numbers = tracking_reads.numbers_of(bookings)
    total = round(sum(config.read_rates) * config.read_duration_s)
    steps = _step(bar, "tracking GET at fixed rates", total, lambda tick: tracking_reads.stepped(
        bench, numbers, list(config.read_rates), config.read_duration_s, tick))
    first = config.read_rates[0]
    not_modified = _step(bar, "tracking GET 304 path", round(first * config.read_duration_s),
                         lambda tick: tracking_reads.not_modified(bench, numbers, first, config.read_duration_s, tick))
    loop = tracking_reads.closed_loop(bench, numbers, config.http_threads, config.http_duration_s)
    trivial = result["ceilings"]["http"]["requests_per_s"]
    return {"trackers_stored": result["setup"]["trackers"] + 1, "numbers": len(numbers), "rates": steps,
            "not_modified": not_modified, "closed_loop": loop,
            "ratio_to_trivial": round(loop["requests_per_s"] / trivial, 3) if trivial else 0.0}


def _step(bar: Progress, label: str, total: int, work: Callable[[Callable[[int], None]], Any]) -> Any:
    task = bar.add_task(label, total=total)
    began = time.perf_counter()
    done = work(lambda n: bar.advance(task, n))
    bar.update(task, completed=total, description=f"{label} ({time.perf_counter() - began:.0f} s)")
    return done


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
