"""What the routes need from the composition root, as Protocols: no route module imports bootstrap.

Each client is resolved per call, so every process makes its own on first use (after gunicorn forks).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from services.console.adapters.accounts import MongoAccounts
from services.console.adapters.history import MongoHistory
from services.console.adapters.journal import MongoAuditLog, MongoReplayLog
from services.console.adapters.kafka_reader import KafkaInspector, RecordReader
from services.console.adapters.passwords import Argon2Passwords
from services.console.adapters.readmodel import MongoReadModel
from services.console.handlers.groups import RecordTimes
from services.console.options import ConsoleOptions
from shared.kafka.producer import EventProducer


class Audited(Protocol):
    """A clock and the audit log: every refusal and every action is recorded."""

    def now(self) -> datetime: ...

    def audit(self) -> MongoAuditLog: ...


class Accounts(Audited, Protocol):
    """Operator accounts and their sessions."""

    options: ConsoleOptions
    passwords: Argon2Passwords

    def accounts(self) -> MongoAccounts: ...


class Reads(Audited, Protocol):
    """Kafka (admin and group-less readers), the sampler's history, the read model and the replay log; read-only."""

    options: ConsoleOptions
    record_times: RecordTimes

    def inspector(self) -> KafkaInspector: ...

    def reader(self) -> RecordReader: ...

    def history(self) -> MongoHistory: ...

    def model(self) -> MongoReadModel: ...

    def replays(self) -> MongoReplayLog: ...


class Replays(Reads, Protocol):
    """Reads plus the producer that sends dead letters back to their topics."""

    def producer(self) -> EventProducer: ...


@runtime_checkable
class Console(Accounts, Replays, Protocol):
    """Everything the console's routes use (bootstrap.ConsoleService provides it)."""
