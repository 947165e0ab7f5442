"""`parcelbridge bench`: ceilings, scan pipeline, order intake and customer polling, measured in one run."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

from bench.config import BenchConfig, quick


def _rates(text: str) -> tuple[float, ...]:
    try:
        rates = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: give rates as numbers separated by commas, e.g. 5,10,20") from exc
    if not rates or any(rate <= 0 for rate in rates):
        raise click.BadParameter("every rate must be above zero")
    return rates


def _text(rates: tuple[float, ...]) -> str:
    return ",".join(f"{rate:g}" for rate in rates)


@click.command("bench")
@click.option("--quick", "is_quick", is_flag=True, help="A short smoke run: every step, small numbers.")
@click.option("--scans", type=click.IntRange(1), default=BenchConfig.scans, show_default=True,
              help="Scans sent through each scan path.")
@click.option("--parcels", type=click.IntRange(1), default=BenchConfig.parcels, show_default=True,
              help="Parcels (trackers) the scans of each path are spread over.")
@click.option("--rates", default=_text(BenchConfig.order_rates), show_default=True,
              help="Order intake: fixed rates, orders/s, stepped until the POST or order → booked p99 passes 5 s, "
                   "or errors appear.")
@click.option("--duration", type=click.FloatRange(1), default=BenchConfig.order_duration_s, show_default=True,
              help="Seconds at each order rate.")
@click.option("--trackers", type=click.IntRange(0), default=BenchConfig.stored_trackers, show_default=True,
              help="Tracking GET: trackers stored before polling (seeded straight into the store to make up).")
@click.option("--read-rates", default=_text(BenchConfig.read_rates), show_default=True,
              help="Tracking GET: fixed rates, requests/s, stepped until p99 passes 100 ms or errors appear.")
@click.option("--read-duration", type=click.FloatRange(1), default=BenchConfig.read_duration_s, show_default=True,
              help="Seconds at each tracking GET rate.")
@click.option("--posters", type=click.IntRange(1, 64), default=BenchConfig.posters, show_default=True,
              help="Concurrent carrier connections posting scans.")
@click.option("--batch", type=click.IntRange(1, 10_000), default=BenchConfig.batch, show_default=True,
              help="Events per carrier request.")
@click.option("--port-base", type=click.IntRange(1024, 60_000), default=BenchConfig.port_base, show_default=True,
              help="Port block of the isolated stack.")
@click.option("--orders-consumers", type=click.IntRange(1, 6), default=BenchConfig.orders_consumers,
              show_default=True, help="Orders consumer processes of the bench stack (ORDERS_CONSUMERS).")
@click.option("--shipping-consumers", type=click.IntRange(1, 6), default=BenchConfig.shipping_consumers,
              show_default=True, help="Shipping consumer processes of the bench stack (SHIPPING_CONSUMERS).")
@click.option("--tracking-consumers", type=click.IntRange(1, 6), default=BenchConfig.tracking_consumers,
              show_default=True, help="Tracking consumer processes of the bench stack (TRACKING_CONSUMERS).")
@click.option("--cost-rate", type=click.FloatRange(0.1), default=BenchConfig.cost_order_rate, show_default=True,
              help="Cost model: orders/s of the step that counts store commands and CPU per order (nobody polling).")
@click.option("--idle-window", type=click.FloatRange(1), default=BenchConfig.idle_window_s, show_default=True,
              help="Cost model: seconds the idle stack is measured, simulator at 0.5 orders/s (--quick: 20 at most).")
@click.option("--no-peer", is_flag=True, help="Skip the peer (Karrio, measured after our steps with the same "
              "rates and durations; installed under .local/peers/karrio the first time).")
@click.option("--peer-only", is_flag=True, help="Only the peer's steps (development): its JSON, no report.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=BenchConfig.out, show_default=True,
              help="Where the JSON, Markdown and PNG files go.")
def bench(is_quick: bool, scans: int, parcels: int, rates: str, duration: float, trackers: int, read_rates: str,
          read_duration: float, posters: int, batch: int, port_base: int, orders_consumers: int,
          shipping_consumers: int, tracking_consumers: int, cost_rate: float, idle_window: float, no_peer: bool,
          peer_only: bool, out: Path) -> None:
    """Measure this machine: the ceilings, the scan pipeline, order intake, customer polling and what each costs.

    Starts its own isolated stack (broker, store, services; ports from --port-base, data in .local/bench),
    wiped first and stopped at the end, so `make run` and the e2e tests are never disturbed.
    """
    config = BenchConfig(scans=scans, parcels=parcels, order_rates=_rates(rates), order_duration_s=duration,
                         stored_trackers=trackers, read_rates=_rates(read_rates), read_duration_s=read_duration,
                         posters=posters, batch=batch, port_base=port_base,
                         orders_consumers=orders_consumers, shipping_consumers=shipping_consumers,
                         tracking_consumers=tracking_consumers, cost_order_rate=cost_rate, idle_window_s=idle_window,
                         out=out, peer=not no_peer)
    config = quick(config) if is_quick else config
    # Imported here: the run and its charts need the bench extras (matplotlib), which `make bench` installs;
    # `parcelbridge --help` and `bench --help` work without them.
    from bench import peer, peer_cli, report
    from bench.run import BenchFailed, execute

    console = Console(stderr=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if peer_only:
        raise SystemExit(peer_cli.only(config, console, stamp))
    try:
        result = execute(config, console, "parcelbridge bench " + " ".join(sys.argv[2:]))
    except BenchFailed as failed:
        path = report.write_partial(failed.partial, config.out, stamp)
        console.print(f"[bold red]bench failed:[/] {failed}; what was measured is in {path}")
        raise SystemExit(1) from failed
    paths = report.write(result, config.out, stamp)
    report.print_table(result, Console())
    console.print(f"results: {paths['json']}  report: {paths['markdown']}")
    if peer.failed(result):
        console.print(f"[bold red]the peer failed:[/] {result['peer']['error']} (in the report, with its log)")
        raise SystemExit(1)


