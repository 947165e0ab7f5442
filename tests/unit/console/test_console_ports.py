"""The routes are typed against Protocols; the composition root must provide every member they ask for."""

from services.console.api.ports import Console
from services.console.bootstrap import ConsoleService
from services.console.options import ConsoleOptions
from shared.config import load_settings


def test_the_composition_root_provides_everything_the_routes_ask_for():
    service = ConsoleService(load_settings("console", {}), ConsoleOptions())  # opens no connection
    assert isinstance(service, Console)

