"""The composition root of every console process: reads the configuration and wires the clients.

Clients are created on first use in each process (after gunicorn forks). Besides shared.config's variables,
the console reads the CONSOLE_* variables listed in services.console.options (here, and only here).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask

from services.console.adapters.accounts import MongoAccounts
from services.console.adapters.history import MongoHistory
from services.console.adapters.journal import MongoAuditLog, MongoReplayLog
from services.console.adapters.kafka_reader import KafkaInspector, RecordReader
from services.console.adapters.passwords import Argon2Passwords
from services.console.adapters.readmodel import MongoReadModel
from services.console.adapters.webhook import WebhookPoster
from services.console.api import console_blueprint
from services.console.chores.sampler import Sampler, SamplerDeps
from services.console.handlers.groups import RecordTimes
from services.console.manifest import MANIFEST
from services.console.options import ConsoleOptions, load_options
from shared.config import Settings, load_settings
from shared.http.app import create_app
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.logs import configure_logging
from shared.mongo.client import IndexedDatabase, IndexSpec
from shared.readiness import readiness_checks

INDEXES = (IndexSpec("sessions", (("operator", 1),)), IndexSpec("replays", (("dlq_topic", 1),)))


class ConsoleService:
    """Settings plus lazily made, per-process clients."""

    def __init__(self, settings: Settings, options: ConsoleOptions) -> None:
        self.settings = settings
        self.options = options
        self.database = IndexedDatabase(settings.mongo, INDEXES)
        self.readiness = readiness_checks(settings, "parcelbridge-console")
        self.passwords = Argon2Passwords()
        self._inspector: tuple[int, KafkaInspector] | None = None
        self._producer: tuple[int, EventProducer] | None = None
        self.record_times = RecordTimes()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def accounts(self) -> MongoAccounts:
        return MongoAccounts(self.database())

    def audit(self) -> MongoAuditLog:
        return MongoAuditLog(self.database())

    def replays(self) -> MongoReplayLog:
        return MongoReplayLog(self.database())

    def history(self) -> MongoHistory:
        return MongoHistory(self.database())

    def model(self) -> MongoReadModel:
        return MongoReadModel(self.database())

    def inspector(self) -> KafkaInspector:
        if self._inspector is None or self._inspector[0] != os.getpid():
            self._inspector = (os.getpid(), KafkaInspector(self.settings.kafka))
        return self._inspector[1]

    def reader(self) -> RecordReader:
        """A new group-less consumer; use it in a `with` block and it is closed after the request."""
        return RecordReader(self.settings.kafka)

    def producer(self) -> EventProducer:
        """The producer for replays (made on first use, after any fork)."""
        if self._producer is None or self._producer[0] != os.getpid():
            self._producer = (os.getpid(), EventProducer(make_kafka_producer(self.settings.kafka)))
        return self._producer[1]

    def sampler(self) -> Sampler:
        o = self.options
        return Sampler(SamplerDeps(
            self.inspector(), self.reader, self.history(), self.replays(), self.model(), self.accounts(),
            self.audit(), WebhookPoster(o.webhook_url), o.rules, o.stage_limits, o.burrow_window, o.alert_repeat,
            o.public_url,
        ))

    def close(self) -> None:
        if self._producer is not None and self._producer[0] == os.getpid():
            self._producer[1].close()
            self._producer = None
        if self._inspector is not None and self._inspector[0] == os.getpid():
            self._inspector[1].close()
            self._inspector = None


def bootstrap(environ: Mapping[str, str] | None = None) -> ConsoleService:
    """Read the configuration once and set up logging; no connection is opened yet."""
    environ = os.environ if environ is None else environ
    settings = load_settings(MANIFEST, environ)
    configure_logging("console", settings.log_level)
    options = load_options(environ, f"http://{settings.http_host}:{settings.http_port}")
    return ConsoleService(settings, options)


def create_console_app(service: ConsoleService) -> Flask:
    """The console web app (clients are opened by the first request of each process)."""
    return create_app("console", [console_blueprint(service)], readiness=service.readiness,
                      max_body_bytes=service.settings.max_body_bytes)
