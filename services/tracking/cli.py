"""`parcelbridge tracking index-quiet`: one-off upkeep of the tracking service's store."""

from __future__ import annotations

import click

from services.tracking.adapters.reconciliation_store import backfill_quiet_keys
from services.tracking.bootstrap import bootstrap


@click.group()
def tracking() -> None:
    """The tracking service's store upkeep."""


@tracking.command("index-quiet")
def index_quiet_command() -> None:
    """Give every unsettled tracker its reconciliation key (trackers written before the poller existed)."""
    noted = backfill_quiet_keys(bootstrap().database())
    click.echo(f"{noted} unsettled trackers indexed for the reconciliation poller")
