"""The console against the real Kafka and FerretDB: its own throwaway database, logged-in test clients."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient

from services.console import handlers
from services.console.bootstrap import ConsoleService, bootstrap, create_console_app
from services.console.domain.roles import Role

PASSWORD = "a long enough password"


@pytest.fixture
def console() -> Iterator[ConsoleService]:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    environ = {**os.environ, "LOG_LEVEL": "WARNING",
               "CONSOLE_MONGODB_URI": f"mongodb://127.0.0.1:{port}/parcelbridge_test_console_{uuid.uuid4().hex[:12]}"}
    service = bootstrap(environ)
    yield service
    service.close()
    service.database().client.drop_database(service.settings.mongo.database)


class Operator:
    """A logged-in test client and the CSRF token of its session."""

    def __init__(self, client: FlaskClient, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, body: dict, csrf: bool = True):
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return self.client.post(path, json=body, headers=headers)


def log_in(client: FlaskClient, name: str, password: str) -> str:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client.get("/api/me").json["csrf_token"]


@pytest.fixture
def as_role(console: ConsoleService) -> Callable[[str], Operator]:
    app = create_console_app(console)

    def _login(role: str) -> Operator:
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        handlers.operators.create_operator(console.accounts(), console.passwords, console.audit(), name, Role(role),
                                           PASSWORD, console.now())
        client = app.test_client()
        return Operator(client, log_in(client, name, PASSWORD))

    return _login
