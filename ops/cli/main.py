"""`parcelbridge`: one console script, a subcommand group per area, each loaded only when used."""

from __future__ import annotations

import click

from ops.registry import COMMANDS


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = COMMANDS.get(cmd_name)
        return load() if load else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """parcelbridge: China to US parcel tracking (SF Express, customs, air linehaul, UPS)."""


if __name__ == "__main__":
    cli()
