"""What the simulation loop is configured with and talks to: its settings and the Protocols of its adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from services.simulator.adapters.http import Answer
from services.simulator.carriers.malformed import MalformedPush
from services.simulator.domain.scenario import Odds
from shared.events.envelope import CloudEvent
from shared.kafka.producer import OutgoingRecord


class CredentialsRefused(Exception):
    """The tracking service answered 401: the check word or credential differs from its own."""


@dataclass(frozen=True)
class RunConfig:
    orders: int = 0  # 0: no limit
    rate: float = 1.0  # orders per second
    speed: float = 1.0  # simulated hours per real second
    seed: int | None = None
    odds: Odds = field(default_factory=Odds)
    until_done: bool = False
    timeout: float = 900.0  # seconds, with until_done
    ups_format: Literal["alert", "track"] = "alert"
    adopt: bool = False  # also play shipments this run did not order
    max_batch: int = 100
    poison_records: int = 0  # produced onto carrier-scans.v1, one per new booking until this many


class Orders(Protocol):
    def place(self, order: dict[str, Any]) -> str: ...


class Ingest(Protocol):
    def post_sf(self, payload: dict[str, Any]) -> Answer: ...

    def post_ups(self, payload: Any) -> Answer: ...

    def post_malformed(self, push: MalformedPush) -> Answer: ...


class Upstream(Protocol):
    """Writes raw records to a topic, as another service's producer would (only poison records here)."""

    def send_records(self, records: Sequence[OutgoingRecord]) -> None: ...


class Watcher(Protocol):
    def poll(self, timeout_ms: int = 50) -> list[CloudEvent]: ...


class Truth(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...


class Reporter(Protocol):
    def placed(self) -> None: ...

    def booked(self) -> None: ...

    def ended(self, end: str) -> None: ...
