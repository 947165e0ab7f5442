"""The /readyz checks every service answers: the brokers and the store, each asked from this process."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable

from kafka import KafkaAdminClient

from shared.config import MongoSettings, Settings
from shared.kafka.admin import admin_client, broker_reachable
from shared.mongo.client import database_for, store_round_trip
from shared.probes import BoundedReadiness


def readiness_checks(settings: Settings, kafka_client_id: str) -> BoundedReadiness:
    """The `readiness` argument of shared.http.app.create_app; no connection is opened until a check runs."""
    health = settings.health
    checks = {"kafka": KafkaReadiness(settings.kafka.bootstrap_servers, kafka_client_id),
              "store": StoreReadiness(settings.mongo, health.readiness_timeout_s)}
    return BoundedReadiness(checks, timeout=health.readiness_timeout_s, ttl=health.readiness_cache_s)


class KafkaReadiness:
    """True when the brokers answer; the admin client is made on first use in each process, after any fork."""

    def __init__(self, bootstrap_servers: Iterable[str], client_id: str) -> None:
        self.bootstrap_servers = list(bootstrap_servers)
        self.client_id = client_id
        self._admin: tuple[int, KafkaAdminClient] | None = None

    def __call__(self) -> bool:
        try:
            return broker_reachable(self._admin_client())
        except Exception:  # the admin client cannot even connect: not ready, and readiness never raises
            self._admin = None
            return False

    def _admin_client(self) -> KafkaAdminClient:
        if self._admin is None or self._admin[0] != os.getpid():
            self._admin = (os.getpid(), admin_client(self.bootstrap_servers, self.client_id))
        return self._admin[1]


class StoreReadiness:
    """True when the store completes a write of this process's own `_health` document within `timeout`."""

    def __init__(self, settings: MongoSettings, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout

    def __call__(self) -> bool:
        # Keyed by host and pid: probes of one process overwrite one document, never another's.
        key = f"{socket.gethostname()}:{os.getpid()}"
        return store_round_trip(database_for(self.settings), key, self.timeout)
