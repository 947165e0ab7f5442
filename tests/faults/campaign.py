"""One run of the fault tier: an isolated stack under load, each fault in turn, then everything settled."""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests
from kafka.errors import KafkaError

from ops.infra.isolated import PARCELBRIDGE, IsolatedStack
from services.simulator.poison import KINDS as POISON_KINDS
from tests.common.stack_reads import wait_until_consumed
from tests.faults import faults as f
from tests.faults.figures import (
    all_orders,
    booked_shipments,
    dead_letter_figures,
    order_figures,
    parcel_figures,
    settled_shipments,
    timeline_figures,
    webhook_figures,
)
from tests.faults.probe import probe
from tests.faults.traffic import OrderLoad, WebhookReceiver, subscribe

log = logging.getLogger(__name__)

# Every consumer group and the topics it must have caught up on before the figures are read.
SETTLE = {"orders": ("shipments.v1", "tracking.v1"), "shipping": ("orders.v1",),
          "tracking": ("shipments.v1", "carrier-scans.v1"),
          "console": ("orders.v1", "shipments.v1", "carrier-scans.v1", "tracking.v1")}
RECEIVER_OFFSET = 1500  # the webhook receiver's port: the stack's port base + this (its own ports end at +1904)


@dataclass(frozen=True)
class Settings:
    # Orders placed per second, all through the run. At 2/s on a busy machine a minute without the tracking
    # consumer parked so many scans that its release query outlasted the store's 30 s socket timeout, forever.
    rate: float = 1.0
    speed: float = 20.0  # simulated hours per real second: a journey takes some 10 s, so scans meet every fault
    recover_within: float = 90.0  # seconds a fault may take before it counts as not recovered
    calm: float = 2.0  # seconds of undisturbed load between one recovery and the next kill
    # No fault starts later than this many seconds into the run, so the tier keeps its 15-minute budget on a
    # slow machine; a fault left out is reported as not run, and its test fails.
    budget: float = 480.0


@dataclass
class FaultOutcome:
    name: str
    kind: str
    killed_pid: int
    outage_s: float
    recovered: bool
    recover_s: float | None  # from the kill until the pipeline moved again (probe booked end to end)
    probe_reached: str
    probe_stages: dict[str, float]  # seconds from bringing it back until each stage of the probe passed
    probe_order: str | None
    died: list[str]  # other service processes that were not running when the probe finished
    restarted: list[str]  # other service processes running under a new pid (restarted, not recovered)
    repaired: bool  # the harness restarted processes so the next fault starts whole
    orders_answered: dict[str, int]  # how orders due during the fault were answered, by status


@dataclass
class Run:
    stack: IsolatedStack
    key: str
    load: OrderLoad
    receiver: WebhookReceiver
    truth: Path
    settings: Settings
    outcomes: list[FaultOutcome]
    probes: list[str]
    baseline_s: float | None = None
    baseline_stages: dict[str, float] | None = None


def start_simulator(stack: IsolatedStack, truth: Path, log_file: Path, speed: float) -> subprocess.Popen:
    """The carrier simulator, playing every booked shipment (`--adopt`) until it is sent SIGTERM."""
    command = [*PARCELBRIDGE, "simulate", "--orders-url", stack.url("orders"), "--tracking-url", stack.url("tracking"),
               "--orders", "0", "--adopt", "--speed", str(speed), "--seed", "20261203", "--truth", str(truth),
               "--kafka-bootstrap", stack.kafka, "--group", "faults-simulator", "--p-duplicate", "0.2",
               "--p-out-of-order", "0.2", "--p-unmapped", "0.1", "--poison-records", str(len(POISON_KINDS))]
    with open(log_file, "ab") as out:
        return subprocess.Popen(command, env=stack.env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)


def stop_simulator(simulator: subprocess.Popen) -> int:
    """SIGTERM: the simulator records what is unfinished and its summary, then exits."""
    simulator.send_signal(signal.SIGTERM)
    try:
        return simulator.wait(timeout=60)
    except subprocess.TimeoutExpired:
        simulator.kill()
        return simulator.wait()


def prepare(stack: IsolatedStack, settings: Settings, port_base: int, truth: Path, limit: int) -> Run:
    key = stack.create_shipper("Faults Merchant")
    receiver = WebhookReceiver(port_base + RECEIVER_OFFSET)
    subscribe(stack.url("orders"), key, receiver.url)
    load = OrderLoad(stack.url("orders"), key, settings.rate)
    load.start(limit)
    return Run(stack, key, load, receiver, truth, settings, [], [])


def warm_up(run: Run) -> None:
    """A probe with no fault: the pipeline's own pace under this load, and the poison records dead-lettered."""
    began = time.monotonic()
    result = probe(run.stack, run.key, run.receiver, began, run.settings.recover_within)
    if result.moving_at is None:
        raise RuntimeError(f"the stack never moved before any fault (probe reached {result.reached})")
    run.probes.append(result.order_id or "")
    run.baseline_s = round(result.moving_at - began, 2)
    run.baseline_stages = result.stages


def inflict(run: Run, fault: f.Fault) -> FaultOutcome:
    """Kill, wait the outage, bring it back the supported way, and time until the pipeline moves again."""
    before = f.service_pids(run.stack)
    killed_at = time.monotonic()
    try:
        pid = f.kill(run.stack, fault)
    except RuntimeError as missing:  # an earlier fault's repair did not bring it back: judged, not skipped
        log.warning("%s", missing)
        return not_run(fault, "not running before the fault")
    time.sleep(fault.outage)
    try:
        f.bring_back(run.stack, fault)
    except RuntimeError as failed:  # judged by the probe below, which then finds the pipeline stopped
        log.warning("bringing %s back failed: %s", fault.name, failed)
    back_at = time.monotonic()
    result = probe(run.stack, run.key, run.receiver, back_at, run.settings.recover_within)
    after = f.service_pids(run.stack)
    others = [name for name in before if name != fault.pid_name or fault.kind == "web worker"]
    died = [name for name in others if before[name] and not after.get(name)]
    restarted = [name for name in others if before[name] and after.get(name) and after[name] != before[name]]
    repaired = bool(died) or result.moving_at is None
    if repaired:  # so that the next fault starts from a whole stack, and its figures are its own
        _repair(run.stack)
    if result.order_id:
        run.probes.append(result.order_id)
    outcome = FaultOutcome(
        fault.name, fault.kind, pid, round(back_at - killed_at, 2), result.moving_at is not None,
        None if result.moving_at is None else round(result.moving_at - killed_at, 2), result.reached,
        result.stages, result.order_id, died, restarted, repaired,
        run.load.answered_between(killed_at, time.monotonic()))
    log.warning("fault %s: %s", fault.name, asdict(outcome))
    return outcome


def _repair(stack: IsolatedStack) -> None:
    try:
        f.wait_until_supervisor_restarted(stack)
    except RuntimeError as failed:  # the next fault then finds its target missing, and says so
        log.warning("repair failed: %s", failed)


def not_run(fault: f.Fault, why: str) -> FaultOutcome:
    return FaultOutcome(fault.name, fault.kind, 0, 0.0, False, None, why, {}, None, [], [], False, {})


def settle(run: Run, simulator: subprocess.Popen, timeout: float = 120.0) -> int:
    """Stop the load, let every order and parcel finish, stop the simulator, let the consumers catch up."""
    run.load.stop()
    deadline = time.monotonic() + timeout
    _wait_for_parcels(run, deadline)
    code = stop_simulator(simulator)
    for group, topics in SETTLE.items():
        for topic in topics:
            try:
                wait_until_consumed(run.stack, group, topic, timeout=max(5.0, deadline - time.monotonic()))
            except (AssertionError, KafkaError) as lag:  # the figures show what it left behind
                log.warning("not settled: %s", lag)
    return code


def _wait_for_parcels(run: Run, deadline: float) -> None:
    """Until the simulator has finished a parcel for every booked order (its truth file says so)."""
    while time.monotonic() < deadline:
        try:
            booked = booked_shipments(all_orders(run.stack, run.key), run.load.accepted())
        except requests.RequestException:  # the orders API does not answer: measuring will say so
            time.sleep(3.0)
            continue
        if None not in booked.values() and set(booked.values()) <= settled_shipments(run.truth):
            return
        time.sleep(3.0)


def report_header(run: Run) -> dict[str, Any]:
    return {"settings": asdict(run.settings), "baseline_probe_s": run.baseline_s,
            "baseline_probe_stages": run.baseline_stages,
            "faults": [asdict(outcome) for outcome in run.outcomes]}


def execute(stack: IsolatedStack, settings: Settings, port_base: int, artifacts: Path) -> dict[str, Any]:
    """The whole run on a started stack: load, each fault in turn, settle; the report (figures included)."""
    began = time.monotonic()
    truth = artifacts / "faults-truth.jsonl"
    simulator = start_simulator(stack, truth, artifacts / "faults-simulator.log", settings.speed)
    run = None
    try:
        run = prepare(stack, settings, port_base, truth, limit=int(settings.rate * 1800))
        warm_up(run)
        for fault in f.FAULTS:
            if time.monotonic() - began > settings.budget:
                run.outcomes.append(not_run(fault, "not run: the time budget was spent"))
                continue
            run.outcomes.append(inflict(run, fault))
            time.sleep(settings.calm)
        simulator_alive = simulator.poll() is None
        simulator_exit = settle(run, simulator)
        try:
            figures = measure(run)
        except (requests.RequestException, KafkaError) as broken:  # the faults' outcomes are still reported
            figures = {"measure_error": f"the stack could not be measured: {broken!r}"}
        return {**report_header(run), **figures, "duration_s": round(time.monotonic() - began, 1),
                "simulator": {"alive_through_the_faults": simulator_alive, "exit_code": simulator_exit}}
    finally:
        if simulator.poll() is None:
            stop_simulator(simulator)
        if run is not None:
            run.load.stop()
            run.receiver.close()


def measure(run: Run) -> dict[str, Any]:
    orders = all_orders(run.stack, run.key)
    accepted = run.load.accepted() + [p for p in run.probes if p]
    booked = {s for s in booked_shipments(orders, accepted).values() if s}
    return {
        "load": {"orders_due": len(run.load.answers), "answered": run.load.answered_between(0, float("inf"))},
        "orders": order_figures(run.stack, orders, accepted),
        "parcels": parcel_figures(run.stack, run.key, orders, accepted),
        "timelines": timeline_figures(run.stack, run.truth, booked),
        "webhooks": webhook_figures(run.receiver.deliveries()),
        "dead_letters": dead_letter_figures(run.stack, run.truth),
    }
