"""`parcelbridge operators create|list|disable|enable|demo`: console accounts, made from the command line."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from services.console import handlers
from services.console.bootstrap import bootstrap
from services.console.domain.operators import InvalidOperator, OperatorExists
from services.console.domain.roles import Role

ROLES = [r.value for r in Role]


@click.group()
def operators() -> None:
    """Operator accounts of the web console (passwords are stored only as Argon2id hashes)."""


@operators.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True,
              help="viewer: read, personal data masked; operator: also replay and park; admin: also accounts, "
                   "unmask.")
@click.option("--password", help="The password (12+ characters); asked for, twice and hidden, when not given.")
@click.option("--if-missing", is_flag=True,
              help="Succeed, changing nothing, when the operator exists already (for a Job run on every deploy).")
def create_command(name: str, role: str, password: str | None, if_missing: bool) -> None:
    """Create an operator account."""
    if password is None:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    service = bootstrap()
    try:
        operator = handlers.operators.create_operator(service.accounts(), service.passwords, service.audit(), name,
                                                      Role(role), password, service.now())
    except OperatorExists as exc:
        if not if_missing:
            raise click.ClickException(f"operator {exc} already exists") from exc
        click.echo(f"operator {name} exists already: left as it is (its password and role unchanged)")
        return
    except InvalidOperator as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"operator {operator.name} created with role {operator.role.value}")


@operators.command("list")
def list_command() -> None:
    """Show every operator, its role and whether it is disabled."""
    table = Table("name", "role", "created", "disabled")
    for op in bootstrap().accounts().list():
        table.add_row(op.name, op.role.value, op.created_at.isoformat(timespec="seconds"), "yes" if op.disabled else "")
    Console().print(table)


@operators.command("disable")
@click.argument("name")
def disable_command(name: str) -> None:
    """Disable an operator and end its sessions."""
    _set_disabled(name, True)


@operators.command("enable")
@click.argument("name")
def enable_command(name: str) -> None:
    """Enable a disabled operator again."""
    _set_disabled(name, False)


def _set_disabled(name: str, disabled: bool) -> None:
    service = bootstrap()
    accounts = service.accounts()
    if accounts.get(name) is None:
        raise click.ClickException(f"no operator {name!r}")
    handlers.operators.set_disabled(accounts, service.audit(), name, disabled, service.now())
    click.echo(f"operator {name} {'disabled' if disabled else 'enabled'}")


@operators.command("demo")
@click.option("--file", "path", type=click.Path(path_type=Path), default=Path(".local/demo-operator.json"),
              show_default=True, help="Where the demo login is kept (a local, git-ignored file).")
def demo_command(path: Path) -> None:
    """Create the local demo admin once (random password kept in FILE) and print its login."""
    service = bootstrap()
    if path.exists():
        stored = json.loads(path.read_text())
        if service.accounts().get(stored["name"]) is not None:
            click.echo(f"console login: {stored['name']} / {stored['password']}")
            return
    stored = {"name": "demo", "password": secrets.token_urlsafe(12)}
    try:
        handlers.operators.create_operator(service.accounts(), service.passwords, service.audit(), stored["name"],
                                           Role.ADMIN, stored["password"], service.now())
    except OperatorExists:
        raise click.ClickException(f"operator 'demo' exists but {path} is missing; "
                                   "disable it or create another operator") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored))
    path.chmod(0o600)
    click.echo(f"console login: {stored['name']} / {stored['password']}")
