"""Browser tests: Debian's headless Chromium, driven by Playwright for Python, against a console served on a
free local port, backed by the real Kafka broker and FerretDB (each run with its own database).

They skip only when /usr/bin/chromium is missing (`apt-get install chromium`); never `playwright install`.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from services.console import handlers
from services.console.bootstrap import ConsoleService, bootstrap, create_console_app
from services.console.domain import pipeline as pl
from services.console.domain.roles import Role
from tests.integration.conftest import admin, kafka_settings, make_topic  # noqa: F401 - the integration tier's fixtures

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "browser test password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="session")
def console() -> Iterator[ConsoleService]:
    port = os.environ.get("PARCELBRIDGE_FERRETDB_PORT", "27018")
    environ = {**os.environ, "LOG_LEVEL": "WARNING",
               "CONSOLE_MONGODB_URI": f"mongodb://127.0.0.1:{port}/parcelbridge_test_browser_{uuid.uuid4().hex[:12]}"}
    service = bootstrap(environ)
    for name, role in (("olga", Role.OPERATOR), ("vic", Role.VIEWER)):
        handlers.operators.create_operator(service.accounts(), service.passwords, service.audit(), name, role, PASSWORD,
                                           service.now())
    _seed_pipeline(service)
    yield service
    service.close()
    service.database().client.drop_database(service.settings.mongo.database)


def _seed_pipeline(service: ConsoleService) -> None:
    """A few parcels in the read model at different stages, so the funnel and the charts have something."""
    model = service.model()
    now = datetime.now(UTC)
    stages = ["label_created", "first_mile_picked_up", "export_customs_in_progress", "linehaul_departed",
              "import_customs_in_progress", "last_mile_in_transit", "delivered"]
    for i in range(21):
        stage = stages[i % len(stages)]
        at = now - timedelta(hours=20 - i)

        def change(parcel: pl.Document, stage: str = stage, at: datetime = at, i: int = i) -> pl.Document:
            parcel = pl.enter(pl.enter(parcel, "label_created", at - timedelta(hours=1)), stage, at)
            return {**parcel, "placed_at": at - timedelta(hours=2), "booked_at": at - timedelta(hours=1, minutes=59),
                    "order_id": f"ord_{i}"}

        model.change_parcel(f"PBSEED{i:04d}", f"seed-{i}", change)


@pytest.fixture(scope="session")
def base_url(console: ConsoleService) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_console_app(console), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, base_url) -> Iterator[Callable[[str], object]]:
    """A laptop-sized page logged in through the login form as `name`."""
    contexts = []

    def _login(name: str):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, timezone_id="Asia/Shanghai")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(base_url + "/")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:text('Overview')")
        return page

    yield _login
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot() -> Callable[[object, str], Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
