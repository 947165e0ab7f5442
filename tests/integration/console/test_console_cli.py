"""`parcelbridge operators create` against the real store: the deploy Job's `--if-missing` runs again harmlessly."""

import pytest
from click.testing import CliRunner

from ops.cli.main import cli
from tests.integration.console.conftest import PASSWORD

pytestmark = pytest.mark.integration


def _create(console, *extra: str):
    return CliRunner().invoke(cli, ["operators", "create", "ada", "--role", "admin", "--password", PASSWORD, *extra],
                              env={"CONSOLE_MONGODB_URI": console.settings.mongo.uri})


def test_creating_an_existing_operator_fails_without_if_missing(console):
    assert _create(console).exit_code == 0
    again = _create(console)
    assert again.exit_code == 1 and "already exists" in again.output


def test_if_missing_leaves_an_existing_operator_as_it_is(console):
    assert _create(console).exit_code == 0
    before = console.accounts().get("ada")
    again = CliRunner().invoke(cli, ["operators", "create", "ada", "--role", "viewer", "--password",
                                     "another long password", "--if-missing"],
                               env={"CONSOLE_MONGODB_URI": console.settings.mongo.uri})
    assert again.exit_code == 0, again.output
    assert "left as it is" in again.output
    after = console.accounts().get("ada")
    assert (after.role, after.password_hash) == (before.role, before.password_hash)


def test_if_missing_creates_an_operator_that_is_not_there(console):
    created = _create(console, "--if-missing")
    assert created.exit_code == 0 and "created with role admin" in created.output
    assert console.accounts().get("ada").role.value == "admin"
