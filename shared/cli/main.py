"""`parcelbridge`: one console script, a subcommand group per area, each loaded only when used."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command; loading lazily keeps `--help` fast and lets a
# service own its commands without the shared package importing the services.
SUBCOMMANDS = {
    "infra": "shared.cli.infra:infra",
    "shippers": "services.orders.cli:shippers",
    "orders": "services.orders.cli:orders",
    "operators": "services.console.cli:operators",
    "topics": "shared.cli.topics:topics",
    "services": "shared.cli.services:services",
    "run": "shared.cli.run:run",
    "stop": "shared.cli.run:stop",
    "simulate": "services.simulator.cli:simulate",
    "tracking": "services.tracking.cli:tracking",
    "bench": "bench.cli:bench",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """parcelbridge: China to US parcel tracking (SF Express, customs, air linehaul, UPS)."""


if __name__ == "__main__":
    cli()
