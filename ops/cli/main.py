"""`parcelbridge`: one console script, a subcommand group per area, each loaded only when used."""

from __future__ import annotations

from collections.abc import Callable

import click


# The command line's groups, each imported only when used (keeps `--help` quick).
def _infra() -> click.Command:
    from ops.cli.infra import infra
    return infra


def _topics() -> click.Command:
    from ops.cli.topics import topics
    return topics


def _services() -> click.Command:
    from ops.cli.services import services
    return services


def _run() -> click.Command:
    from ops.cli.run import run
    return run


def _stop() -> click.Command:
    from ops.cli.run import stop
    return stop


def _shippers() -> click.Command:
    from services.orders.cli import shippers
    return shippers


def _orders() -> click.Command:
    from services.orders.cli import orders
    return orders


def _operators() -> click.Command:
    from services.console.cli import operators
    return operators


def _simulate() -> click.Command:
    from services.simulator.cli import simulate
    return simulate


def _tracking() -> click.Command:
    from services.tracking.cli import tracking
    return tracking


def _bench() -> click.Command:
    from bench.cli import bench
    return bench


COMMANDS: dict[str, Callable[[], click.Command]] = {
    "infra": _infra, "topics": _topics, "services": _services, "run": _run, "stop": _stop,
    "shippers": _shippers, "orders": _orders, "operators": _operators, "simulate": _simulate,
    "tracking": _tracking, "bench": _bench,
}


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
