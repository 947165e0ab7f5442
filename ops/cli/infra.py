"""`parcelbridge infra`: the local Kafka broker and FerretDB store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace

import click
from rich.console import Console
from rich.table import Table

from ops.infra import manager
from ops.infra.components import InstallFailed
from ops.infra.layout import PROJECT_ROOT, Layout, MissingPrerequisite
from shared.config import MAX_LOCAL_BROKERS, load_infra_settings
from shared.errors import ConfigError

console = Console(stderr=True)


def _layout(brokers: int | None = None) -> Layout:
    settings = load_infra_settings(root=PROJECT_ROOT)
    return Layout(settings if brokers is None else replace(settings, kafka_brokers=brokers))


BROKERS = click.option(
    "--brokers", type=click.IntRange(1, MAX_LOCAL_BROKERS), default=None,
    help="Kafka nodes (KRaft, each broker and controller); 3 gives replication 3 and min.insync.replicas 2. "
         "Default: PARCELBRIDGE_KAFKA_BROKERS, else 1.",
)


def _say(message: str) -> None:
    console.print(message, highlight=False)


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}", highlight=False)
    raise SystemExit(1)


@click.group()
def infra() -> None:
    """Run Kafka (KRaft, from Maven Central jars) and FerretDB (SQLite) locally, without Docker."""


@infra.command("up")
@BROKERS
def up_command(brokers: int | None) -> None:
    """Install if needed, start, and wait until all answer. A second `up` is a no-op."""
    began = time.monotonic()
    try:
        layout = _layout(brokers)
        manager.up(layout, _say)
    except (ConfigError, MissingPrerequisite, InstallFailed, manager.InfraError) as exc:
        _fail(exc)
    _say(f"infrastructure ready in {time.monotonic() - began:.1f}s; logs under {layout.logs}")


@infra.command("down")
def down_command() -> None:
    """Stop every Kafka node and the store; data is kept."""
    try:
        manager.down(_layout(), _say)
    except ConfigError as exc:
        _fail(exc)


@infra.command("status")
def status_command() -> None:
    """Show what runs (every node the last `up` started), where, and whether it answers; 1 when not all ready."""
    try:
        rows = manager.status(_layout())
    except ConfigError as exc:
        _fail(exc)
    table = Table("component", "state", "pid", "address", "log")
    for row in rows:
        state = "[green]ready[/]" if row.ready else ("[yellow]starting[/]" if row.running else "[red]stopped[/]")
        table.add_row(row.name, state, str(row.pid or "-"), row.address, row.log)
    Console().print(table)
    raise SystemExit(0 if all(r.ready for r in rows) else 1)


@infra.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_command(yes: bool) -> None:
    """Stop everything and delete all broker and store data."""
    if not yes:
        click.confirm("Delete all local Kafka and FerretDB data?", abort=True)
    manager.reset(_layout(), _say)


@infra.command("run", context_settings={"ignore_unknown_options": True})
@BROKERS
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
def run_command(brokers: int | None, command: tuple[str, ...]) -> None:
    """Run COMMAND with the infrastructure up, then leave it as it was found."""
    layout = _layout(brokers)
    try:
        started = manager.up(layout, _say)
    except (MissingPrerequisite, InstallFailed, manager.InfraError) as exc:
        _fail(exc)
    try:
        code = subprocess.call(list(command), env=os.environ.copy())
    finally:
        if started:
            manager.down(layout, _say)
    sys.exit(code)
