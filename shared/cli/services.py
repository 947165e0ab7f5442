"""`parcelbridge services`: every service as real processes (web app, consumer worker, outbox relay)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from shared.config import load_infra_settings
from shared.infra import stack
from shared.infra.layout import PROJECT_ROOT, Layout

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
    """Show which service processes run, what their health signal answers, and where they log."""
    table = Table("process", "state", "health", "log")
    rows = stack.status(_layout())
    for name, alive, log, url in rows:
        health = f"{stack.health_state(url)} {url}" if alive else ""
        table.add_row(name, "[green]running[/]" if alive else "[red]stopped[/]", health, str(log))
    Console().print(table)
    raise SystemExit(0 if rows and all(alive for _, alive, _, _ in rows) else 1)
