"""`parcelbridge simulate`: play SF Express and UPS against a running deployment (the composition root)."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from services.simulator.adapters.carrier_api import SF_SERVICE_PATH, carrier_app
from services.simulator.adapters.http import IngestClient, OrdersClient, new_session
from services.simulator.adapters.truth_file import TruthFile
from services.simulator.adapters.watcher import DEFAULT_GROUP, ShipmentWatcher
from services.simulator.display import ConsoleReporter, summary_table
from services.simulator.domain.carrier_book import CarrierBook
from services.simulator.domain.scenario import Odds
from services.simulator.runner import RunConfig, Simulator
from shared.config import KafkaSettings, load_kafka_settings
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.liveness import serve
from shared.logs import configure_logging

PROBABILITIES = {  # option -> (Odds field, help)
    "--p-export-hold": ("export_hold", "a parcel is held by China export customs, then released"),
    "--p-import-hold": ("import_hold", "a parcel is held by US import customs (with a reason), then released"),
    "--p-failed-attempt": ("failed_attempt", "the first delivery attempt fails (next-day retry)"),
    "--p-pickup": ("pickup", "the parcel ends held for customer pickup (UPS Access Point / facility)"),
    "--p-return": ("returned", "the parcel is returned to sender (refused duties on DAP, else refused at the door)"),
    "--p-duplicate": ("duplicate", "an event is sent twice"),
    "--p-out-of-order": ("out_of_order", "an event is sent after the next one; a batch is shuffled"),
    "--p-unmapped": ("unmapped", "a parcel gets one event with a code nobody maps"),
    "--p-dap": ("dap", "an order is DAP (the recipient pays duties: UPS raises import charges due)"),
    "--p-malformed": ("malformed", "a carrier request is followed by a deliberately malformed push (cut-off JSON, "
                      "a missing or bad field, a wrong signature or credential) that must be refused with a 4xx"),
    "--p-withhold": ("withhold", "none of a parcel's scans is pushed (only the carriers' query APIs, served with "
                     "--carrier-port, know them: the tracking service's reconciliation poller must find them)"),
}


def _probability_options(command):
    defaults = Odds()
    for option, (name, text) in reversed(PROBABILITIES.items()):
        command = click.option(option, name, type=click.FloatRange(0, 1), default=getattr(defaults, name),
                               show_default=True, help=f"Probability that {text}.")(command)
    return command


# Where `parcelbridge run` serves the orders and tracking APIs by default (their manifests' ports; a test keeps
# these in step). The simulator plays outsiders, so it reaches them over HTTP like any shipper or carrier.
LOCAL_ORDERS_URL = "http://127.0.0.1:8001"
LOCAL_TRACKING_URL = "http://127.0.0.1:8003"
CLIENT_ID = "parcelbridge-simulator"


@click.command(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.option("--orders-url", envvar="SIMULATOR_ORDERS_URL", default=LOCAL_ORDERS_URL,
              help="Orders API base URL (env SIMULATOR_ORDERS_URL).")
@click.option("--tracking-url", envvar="SIMULATOR_TRACKING_URL",
              default=LOCAL_TRACKING_URL,
              help="Tracking API base URL, where the carrier ingest endpoints are (env SIMULATOR_TRACKING_URL).")
@click.option("--api-key", envvar="SIMULATOR_API_KEY", help="The shipper API key orders are placed with "
              "(env SIMULATOR_API_KEY); needed unless --orders is 0.")
@click.option("--orders", "orders", type=click.IntRange(0), default=0,
              help="Stop placing after N orders; 0 = no limit.")
@click.option("--rate", type=click.FloatRange(0.001, 10_000), default=1.0, help="Orders placed per second.")
@click.option("--speed", type=click.FloatRange(0.0001, 100_000), default=1.0,
              help="Simulated hours per real second (1 plays a week-long journey in under 3 minutes).")
@click.option("--seed", type=int, default=None, help="Random seed (printed at the end when not given).")
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the ground truth here, one JSON object per line.")
@_probability_options
@click.option("--sf-check-word", envvar="SF_CHECK_WORD", default="", show_default=False,
              help="Check word route pushes are signed with (env SF_CHECK_WORD, as the tracking service reads).")
@click.option("--ups-credential", envvar="UPS_TRACK_ALERT_CREDENTIAL", default="", show_default=False,
              help="Track Alert credential header value (env UPS_TRACK_ALERT_CREDENTIAL, as tracking reads).")
@click.option("--kafka-bootstrap", default=None, help="Kafka bootstrap servers (default: the shared configuration, "
              "KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:19092).")
@click.option("--group", default=DEFAULT_GROUP, help="Consumer group the simulator reads shipments.v1 in.")
@click.option("--adopt", is_flag=True, help="Also play shipments this run did not order (any booked shipment).")
@click.option("--ups-format", type=click.Choice(["alert", "track"]), default="alert",
              help="UPS events as Track Alert messages or as Track API v1 answers.")
@click.option("--poison-records", type=click.IntRange(0), default=0, envvar="SIMULATOR_POISON_RECORDS",
              help="Produce N deliberately malformed records onto carrier-scans.v1, one per new booking, as a "
              "misbehaving producer would: every consumer must dead-letter them (env SIMULATOR_POISON_RECORDS).")
@click.option("--carrier-port", type=click.IntRange(0, 65535), default=0, envvar="SIMULATOR_CARRIER_PORT",
              help="Serve the carriers' query APIs (UPS OAuth + Track API v1, SF route query at /std/service) on "
              "this port; 0: not served (env SIMULATOR_CARRIER_PORT).")
@click.option("--carrier-host", default="127.0.0.1", envvar="SIMULATOR_CARRIER_HOST",
              help="Address the carriers' query APIs listen on (env SIMULATOR_CARRIER_HOST).")
@click.option("--ups-client-id", envvar="UPS_CLIENT_ID", default="", show_default=False,
              help="The client id UPS's token endpoint accepts (env UPS_CLIENT_ID, as tracking reads); empty: any.")
@click.option("--ups-client-secret", envvar="UPS_CLIENT_SECRET", default="", show_default=False,
              help="Its client secret (env UPS_CLIENT_SECRET).")
@click.option("--until-done", is_flag=True, help="Exit once every placed parcel reached its end.")
@click.option("--timeout", type=click.FloatRange(1), default=900.0, help="Seconds --until-done waits at most.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="WARNING")
def simulate(orders_url: str, tracking_url: str, api_key: str | None, orders: int, rate: float, speed: float,
             seed: int | None, truth_path: Path | None, sf_check_word: str, ups_credential: str,
             kafka_bootstrap: str | None, group: str, adopt: bool, ups_format: str, poison_records: int,
             carrier_port: int, carrier_host: str, ups_client_id: str, ups_client_secret: str,
             until_done: bool, timeout: float, log_level: str, **probabilities: float) -> None:
    """Play SF Express and UPS: place orders, watch bookings, post each parcel's scans in the carriers' formats."""
    configure_logging("simulator", log_level)
    if not sf_check_word or not ups_credential:
        raise click.UsageError("set --sf-check-word and --ups-credential (or SF_CHECK_WORD and "
                               "UPS_TRACK_ALERT_CREDENTIAL) to the values the tracking service uses")
    if not api_key and not (adopt and orders == 0):
        raise click.UsageError("set --api-key (or SIMULATOR_API_KEY): orders are placed as that shipper")
    config = RunConfig(orders=orders if api_key else 0, rate=rate, speed=speed, seed=seed,
                       odds=Odds(**probabilities), until_done=until_done, timeout=timeout,
                       ups_format=ups_format, adopt=adopt, poison_records=poison_records)  # type: ignore[arg-type]
    servers = kafka_bootstrap.split(",") if kafka_bootstrap else list(load_kafka_settings(CLIENT_ID).bootstrap_servers)
    book = None
    if carrier_port:
        book = CarrierBook()
        ups_client = (ups_client_id, ups_client_secret) if ups_client_id else None
        server = serve(carrier_host, carrier_port, carrier_app(book, sf_check_word, ups_client))
        click.echo(f"carrier query APIs on http://{carrier_host}:{server.server_port} (UPS Track API, SF "
                   f"{SF_SERVICE_PATH})", err=True)
    outcome = _run(config, orders_url, tracking_url, api_key or "", sf_check_word, ups_credential, servers, group,
                   truth_path, book)
    if outcome in ("timed_out", "refused"):
        raise SystemExit(1)


def _run(config: RunConfig, orders_url: str, tracking_url: str, api_key: str, check_word: str, credential: str,
         servers: list[str], group: str, truth_path: Path | None, book: CarrierBook | None = None) -> str:
    signal.signal(signal.SIGTERM, _interrupt)  # `make stop` ends the simulator like Ctrl-C: summary included
    session = new_session()
    watcher = ShipmentWatcher(servers, group, from_beginning=config.adopt)
    upstream = _upstream(servers) if config.poison_records else None
    truth = TruthFile(truth_path)
    reporter = ConsoleReporter(config.orders or None)
    try:
        watcher.wait_until_assigned()
        simulator = Simulator(config, OrdersClient(session, orders_url, api_key),
                              IngestClient(session, tracking_url, check_word, credential), watcher, truth, reporter,
                              upstream=upstream, book=book)
        with reporter:
            outcome = simulator.run()
        truth.write({"record": "summary", "outcome": outcome, "seed": simulator.seed,
                     **_tally_record(simulator)})
        reporter.console.print(summary_table(simulator.tally, outcome, simulator.seed,
                                             str(truth_path) if truth_path else None))
        if simulator.problem:
            reporter.console.print(f"[bold red]stopped:[/] {simulator.problem} — use the SF_CHECK_WORD and "
                                   "UPS_TRACK_ALERT_CREDENTIAL the tracking service runs with")
        return outcome
    finally:
        watcher.close()
        if upstream is not None:
            upstream.close()
        truth.close()
        session.close()


def _upstream(servers: list[str]) -> EventProducer:
    return EventProducer(make_kafka_producer(KafkaSettings(tuple(servers), CLIENT_ID)))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _tally_record(simulator: Simulator) -> dict:
    tally = simulator.tally
    return {
        "placed": tally.placed, "placement_failures": tally.placement_failures, "booked": tally.booked,
        "rejected": tally.rejected, "ends": dict(tally.ends), "incomplete": tally.incomplete,
        "events_sent": tally.events_sent, "duplicates": tally.duplicates, "late": tally.late,
        "requests": dict(tally.requests), "malformed": dict(tally.malformed), "poison": dict(tally.poison),
        "withheld": tally.withheld,
    }
