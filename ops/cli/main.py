"""`parcelbridge`: one console script, a subcommand group per area, each loaded only when used."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command; loading lazily keeps `--help` fast and lets a
# service own its commands without the shared package importing the services.
SUBCOMMANDS = {
    "infra": "ops.cli.infra:infra",
    "shippers": "services.orders.cli:shippers",
    "orders": "services.orders.cli:orders",
    "operators": "services.console.cli:operators",
    "topics": "ops.cli.topics:topics",
    "services": "ops.cli.services:services",
    "run": "ops.cli.run:run",
    "stop": "ops.cli.run:stop",
    "simulate": "services.simulator.cli:simulate",
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
