"""`parcelbridge run`: the whole system on this machine — what `make run` calls.

Infrastructure, topics, every service as real processes, a demo shipper, then the carrier simulator in
the foreground. Ctrl-C (or `parcelbridge stop` from another terminal) stops everything cleanly; data is
kept for the next run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import click
from rich.console import Console

from ops import stack
from ops.cli.configuration import use_stack_configuration
from ops.infra import manager, processes
from ops.infra.interrupts import terminate_interrupts
from ops.infra.layout import PROJECT_ROOT, Layout
from ops.registry import settings_of
from shared.config import load_infra_settings

console = Console(stderr=True)

SIMULATOR_GRACE_S = 2.0  # it stops on SIGTERM within a request's time; its summary is no reason to wait longer
RUN_STOP_S = 13.0  # `parcelbridge stop` waits this long for a foreground `run` to stop it all, within its 15 s


def _layout() -> Layout:
    return Layout(load_infra_settings(root=PROJECT_ROOT))


def _say(message: str) -> None:
    console.print(f"[dim]{message}[/]", highlight=False)


def _demo_key(layout: Layout) -> str:
    """The demo shipper's API key: created once, kept in the local data folder (a dev convenience)."""
    stored = layout.root / "demo-shipper.json"
    if stored.exists():
        return json.loads(stored.read_text())["api_key"]
    output = subprocess.run(
        [sys.executable, "-m", "ops.cli.main", "shippers", "create", "Demo Shipper (Shenzhen)"],
        capture_output=True, text=True, check=True, cwd=PROJECT_ROOT,
    ).stdout
    fields = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    record = {"shipper_id": fields["shipper id"].strip(), "api_key": fields["API key"].strip()}
    stored.write_text(json.dumps(record))
    stored.chmod(0o600)
    return record["api_key"]


def _demo_operator(layout: Layout) -> str:
    """`console login: demo / <password>`, the console's demo admin (created once, kept locally)."""
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli.main", "operators", "demo",
         "--file", str(layout.root / "demo-operator.json")],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )
    return result.stdout.strip() or f"console login not created: {result.stderr.strip()[-200:]}"


def _urls(api_key: str) -> str:
    """A compact block of where everything is (plain lines read well at any terminal width)."""
    rows = []
    for service in stack.available_services():
        base = f"http://127.0.0.1:{settings_of(service).http_port}"
        rows.append(f"  {service + ' API':<14}{base}   {base}/docs   {base}/metrics")
    tracking = f"http://127.0.0.1:{settings_of('tracking').http_port}"
    rows.append(f"  {'customers':<14}{tracking}/v1/tracking/<JV number, SF waybill or UPS 1Z>")
    rows.append(f"  {'demo shipper':<14}Authorization: Bearer {api_key}")
    rows.append(f"  {'logs':<14}{_layout().logs}/<process>.log")
    return "\n".join(["[bold]parcelbridge is running[/]", *rows])


def _stop_all(layout: Layout) -> None:
    console.print("stopping: services first (workers commit their offsets), then Kafka and the store")
    stack.down(layout, _say)
    manager.down(layout, _say)


def _simulate(api_key: str) -> subprocess.Popen | None:
    if not (PROJECT_ROOT / "services" / "simulator" / "cli.py").exists():
        return None
    # A few malformed pushes keep the ingest endpoints' refusals exercised; SIMULATOR_P_MALFORMED=0 turns them off.
    command = [sys.executable, "-m", "ops.cli.main", "simulate", "--api-key", api_key,
               "--orders", "0", "--rate", os.environ.get("SIMULATOR_RATE", "0.5"),
               "--p-malformed", os.environ.get("SIMULATOR_P_MALFORMED", "0.01"), "--log-level", "ERROR"]
    return subprocess.Popen(command, cwd=PROJECT_ROOT)


@click.command("run")
@click.option("--no-simulator", is_flag=True, help="Start the system without the carrier simulator.")
def run(no_simulator: bool) -> None:
    """Start everything, show where it is, and run the carrier simulator until Ctrl-C."""
    # The carrier credentials the simulator signs with come from here too (generated at the first start).
    use_stack_configuration(_layout(), _say)
    layout = _layout()
    began = time.monotonic()
    try:
        with terminate_interrupts():
            manager.up(layout, _say)
            stack.up(layout, _say)
    except (manager.InfraError, stack.StackError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise SystemExit(1) from exc
    except KeyboardInterrupt:
        # Interrupted while starting (Ctrl-C, SIGTERM): leave nothing of the half-started stack behind.
        _stop_all(layout)
        raise SystemExit(130) from None
    key = _demo_key(layout)
    Console().print(_urls(key), highlight=False)
    if "console" in stack.available_services():
        Console().print(f"  {'console':<14}{_demo_operator(layout).removeprefix('console login: ')}", highlight=False)
    console.print(f"up in {time.monotonic() - began:.0f}s — Ctrl-C (or `make stop`) stops everything; data is kept")
    stopping = {"asked": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(asked=True))
    layout.pid_file("run").write_text(str(os.getpid()))
    simulator = None if no_simulator else _simulate(key)
    try:
        while not stopping["asked"]:
            if simulator is not None and simulator.poll() is not None:
                console.print(f"[bold red]the carrier simulator ended[/] (exit code {simulator.returncode}); "
                              "the services keep running")
                simulator = None
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        # The simulator stops on SIGTERM while the services stop: waiting for it first cost `make stop` seconds.
        if simulator is not None:
            simulator.terminate()
        _stop_all(layout)
        if simulator is not None:
            _reap(simulator)
        layout.pid_file("run").unlink(missing_ok=True)


def _reap(simulator: subprocess.Popen) -> None:
    try:
        simulator.wait(SIMULATOR_GRACE_S)
    except subprocess.TimeoutExpired:
        simulator.kill()
        simulator.wait()


@click.command("stop")
def stop() -> None:
    """Stop everything `parcelbridge run` started (services, then Kafka and the store)."""
    began = time.monotonic()
    layout = _layout()
    # A foreground `run` stops itself (and its simulator) on SIGTERM; then the rest is stopped here too.
    processes.stop(layout.pid_file("run"), timeout=RUN_STOP_S)
    _stop_all(layout)
    console.print(f"stopped in {time.monotonic() - began:.1f}s")
