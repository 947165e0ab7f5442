"""Issue 12 item 6 end to end: parcels whose pushes the simulator withholds reach their end through the poller.

Its own isolated stack (port base RECON_E2E_PORT_BASE, default 28000): the tracking relay polls the simulator's
carrier query APIs, with thresholds of seconds. The simulator withholds every push of about half the parcels;
their trackers must still match the ground truth, their timelines hold every event once, and the relay's
metrics show what the poller learned.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ops.infra.isolated import PARCELBRIDGE, IsolatedStack, isolated_env
from tests.common.journeys import read_truth, status_mismatch, tracker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
ORDERS = 12
LEGS = ("FIRST_MILE", "EXPORT_CUSTOMS", "AIR_LINEHAUL", "IMPORT_CUSTOMS", "LAST_MILE")


@pytest.fixture(scope="module")
def stack() -> Iterator[IsolatedStack]:
    base = int(os.environ.get("RECON_E2E_PORT_BASE", "28000"))
    carrier = f"http://127.0.0.1:{base + 1090}"
    extra = {
        "WEB_CONCURRENCY": "1", "SIMULATOR_CARRIER_PORT": str(base + 1090),
        "UPS_TRACK_API_URL": carrier, "UPS_CLIENT_ID": "recon-e2e", "UPS_CLIENT_SECRET": "recon-e2e-secret",
        "SF_ROUTE_QUERY_URL": f"{carrier}/std/service", "SF_PARTNER_ID": "RECON_E2E",
        **{f"TRACKING_RECON_QUIET_{leg}_SECONDS": "4" for leg in LEGS},
        "TRACKING_RECON_INTERVAL_SECONDS": "1", "TRACKING_RECON_RATE_PER_SECOND": "50", "TRACKING_RECON_BURST": "20",
    }
    running = IsolatedStack(isolated_env("e2e-recon", base, extra))
    with running.running():
        yield running


@pytest.fixture(scope="module")
def played(stack: IsolatedStack, tmp_path_factory) -> Iterator[dict]:
    """The simulator run (still serving its query APIs) and its ground truth once every parcel finished."""
    key = stack.create_shipper("Reconciliation E2E Merchant")
    folder = tmp_path_factory.mktemp("simulator")
    truth, output = folder / "truth.jsonl", (folder / "simulator.log").open("w")
    simulator = subprocess.Popen(
        [*PARCELBRIDGE, "simulate", "--orders-url", stack.url("orders"), "--tracking-url", stack.url("tracking"),
         "--api-key", key, "--orders", str(ORDERS), "--rate", "4", "--speed", "40", "--seed", "20261203",
         "--truth", str(truth), "--kafka-bootstrap", stack.kafka, "--p-withhold", "0.5", "--p-duplicate", "0",
         "--p-malformed", "0", "--log-level", "WARNING"],
        env=stack.env, stdout=output, stderr=subprocess.STDOUT)  # a file: an unread pipe would fill and block it
    try:
        parcels = _finished_parcels(truth, simulator)
        started = time.monotonic()
        yield {"parcels": parcels, "started": started}
    finally:
        simulator.send_signal(signal.SIGTERM)
        simulator.wait(timeout=30)
        output.close()


def _finished_parcels(truth: Path, simulator: subprocess.Popen, timeout: float = 300) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert simulator.poll() is None, f"the simulator ended early (exit code {simulator.returncode})"
        parcels = read_truth(truth).parcels if truth.exists() else []
        if len(parcels) == ORDERS:
            return parcels
        time.sleep(1)
    raise AssertionError(f"the simulator finished {len(parcels)} of {ORDERS} parcels in {timeout} s")


def _carrier_events(stack: IsolatedStack, parcel: dict) -> int:
    events = tracker(stack, parcel["shipment_id"]).get("events", [])
    return sum(1 for event in events if not event["carrier_code"].startswith("event="))


def test_withheld_parcels_reach_the_end_the_simulator_caused_through_the_poller(stack, played):
    withheld = [p for p in played["parcels"] if p["withheld"]]
    assert withheld and len(withheld) < ORDERS  # some of each kind, or the run proves nothing
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        wrong = [m for p in played["parcels"] if (m := status_mismatch(tracker(stack, p["shipment_id"]), p))]
        short = [p["shipment_id"] for p in played["parcels"] if _carrier_events(stack, p) != len(p["events"])]
        if not wrong and not short:
            break
        time.sleep(2)
    print(f"every tracker matched the ground truth {time.monotonic() - played['started']:.1f} s after the "
          f"simulator finished ({len(withheld)} of {ORDERS} parcels withheld)")
    assert wrong == [] and short == []


def test_the_relay_reports_what_the_poller_asked_and_learned(stack, played):
    port = int(stack.env["TRACKING_PORT"]) + 100  # the relay's health port (ops.stack HEALTH_SLOTS)
    metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    learned = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                  if line.startswith("parcelbridge_tracking_recon_scans_total{") and 'outcome="learned"' in line)
    withheld_events = sum(len(p["events"]) for p in played["parcels"] if p["withheld"])
    assert learned >= withheld_events > 0
    assert 'parcelbridge_tracking_recon_breaker_state{carrier="sf_express"} 0.0' in metrics
