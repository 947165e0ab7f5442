"""`parcelbridge shippers create|list|revoke`: manage who may call the shipper APIs; `parcelbridge orders`."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Column, Table

from services.orders import handlers
from services.orders.bootstrap import bootstrap
from services.orders.domain.commands import CreateShipper, RevokeShipper
from services.orders.domain.shippers import ShipperNotFound


@click.group()
def shippers() -> None:
    """Shippers and their API keys (only key hashes are stored)."""


@shippers.command("create")
@click.argument("name")
def create_command(name: str) -> None:
    """Create a shipper and print its API key, which is shown only this once."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise click.BadParameter("give a name of 1 to 200 characters", param_hint="NAME")
    created = handlers.create_shipper(CreateShipper(name), bootstrap().shippers())
    click.echo(f"shipper id: {created.shipper.id}")
    click.echo(f"API key:    {created.api_key}")
    click.echo("Store the key now: it is not kept and cannot be shown again.", err=True)


@shippers.command("list")
def list_command() -> None:
    """Show every shipper, its active keys and whether it is revoked."""
    table = Table(Column("shipper id", no_wrap=True), "name", "created", Column("active keys", no_wrap=True), "revoked")
    for shipper in bootstrap().shippers().list():
        table.add_row(
            shipper.id, shipper.name, shipper.created_at.isoformat(timespec="seconds"),
            ", ".join(key.key_id for key in shipper.active_keys()) or "-",
            shipper.revoked_at.isoformat(timespec="seconds") if shipper.revoked_at else "-",
        )
    Console().print(table)


@shippers.command("revoke")
@click.argument("shipper_id")
def revoke_command(shipper_id: str) -> None:
    """Revoke a shipper's API keys here and in every other shipper API."""
    try:
        shipper = handlers.revoke_shipper(RevokeShipper(shipper_id), bootstrap().shippers())
    except ShipperNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"revoked {shipper.id} ({shipper.name}); its keys now answer 401")


@click.group()
def orders() -> None:
    """Maintenance of the orders database."""


@orders.command("backfill-listing")
def backfill_listing_command() -> None:
    """List orders stored before listings were kept (once after upgrading; running it again is harmless)."""
    added = bootstrap().orders().backfill_listing()
    click.echo(f"{added} orders added to their shippers' listings")
