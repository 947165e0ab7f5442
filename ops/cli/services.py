"""`parcelbridge services`: every service as real processes (web app, consumer worker, outbox relay)."""

from __future__ import annotations

import sys
import time

import click
from rich.console import Console
from rich.table import Table

from ops import stack
from ops.cli.configuration import use_stack_configuration
from ops.infra.layout import PROJECT_ROOT, Layout
from ops.supervision.state import BACKOFF, RUNNING, STOPPED, status_cells
from shared.config import load_infra_settings

console = Console(stderr=True)


def _layout() -> Layout:
    return Layout(load_infra_settings(root=PROJECT_ROOT))


def _say(message: str) -> None:
    console.print(message, highlight=False)


@click.group("services")
def services() -> None:
    """Start, stop and inspect the service processes (the infrastructure must be up)."""


@services.command("up")
@click.option("--only", multiple=True, help="Start only these services (repeatable).")
def up_command(only: tuple[str, ...]) -> None:
    """Start every service's relay, worker and web app; wait until each answers /readyz."""
    use_stack_configuration(_layout(), _say)
    try:
        stack.up(_layout(), _say, list(only) or None)
    except stack.StackError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise SystemExit(1) from exc


@services.command("down")
def down_command() -> None:
    """Stop every service process cleanly (SIGTERM: workers finish their batch and commit)."""
    stack.down(_layout(), _say)


@services.command("status")
def status_command() -> None:
    """Show each service process: its state, restarts and uptime under the supervisor, its health, its log.

    Exit code 1 when a process is not running (stopped, backing off between restarts, or given up).
    """
    table = Table("process", "state", "restarts", "uptime", "health", "log")
    table.columns[0].no_wrap = True
    rows = stack.status(_layout())
    now = time.time()
    for row in rows:
        state, restarts, uptime = status_cells(row.supervised, now)
        if row.supervised is None:
            state = "running, not supervised" if row.running else STOPPED
        health = f"{stack.health_state(row.health_url)} {row.health_url}" if row.running else ""
        table.add_row(row.name, _coloured(state), restarts, uptime, health, str(row.log))
    # Off a terminal (a pipe, a test, CI) rich would squeeze the table into 80 columns and cut the names.
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    raise SystemExit(0 if rows and all(row.running for row in rows) else 1)


def _coloured(state: str) -> str:
    colour = "green" if state.startswith(RUNNING) else "yellow" if state.startswith(BACKOFF) else "red"
    return f"[{colour}]{state}[/]"
