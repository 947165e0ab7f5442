"""The composition root of every orders process: reads the configuration and wires the clients.

Clients are created on first use in each process, so gunicorn workers never share the master's sockets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from kafka import KafkaAdminClient
from pymongo.collection import Collection
from pymongo.database import Database

from services.orders.adapters.repository import (
    API_KEYS,
    INDEXES,
    ORDERS,
    SHIPPERS,
    MongoOrderRepository,
    MongoShipperRepository,
)
from services.orders.api import orders_blueprint
from shared.config import Settings, load_settings
from shared.http.app import create_app
from shared.kafka.admin import admin_client, broker_reachable
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.logs import configure_logging
from shared.mongo.client import apply_indexes, database_for, store_reachable


class OrdersService:
    """Settings plus lazily made, per-process clients."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._indexed_in: int | None = None
        self._admin: tuple[int, KafkaAdminClient] | None = None

    def database(self) -> Database:
        db = database_for(self.settings.mongo)
        if self._indexed_in != os.getpid():
            apply_indexes(db, INDEXES)
            self._indexed_in = os.getpid()
        return db

    def orders(self) -> MongoOrderRepository:
        return MongoOrderRepository(self.database())

    def shippers(self) -> MongoShipperRepository:
        return MongoShipperRepository(self.database())

    def api_keys(self) -> Collection:
        return self.database()[API_KEYS]

    def outbox_collections(self) -> list[Collection]:
        db = self.database()
        return [db[ORDERS], db[SHIPPERS]]

    def producer(self) -> EventProducer:
        return EventProducer(make_kafka_producer(self.settings.kafka))

    def store_ready(self) -> bool:
        return store_reachable(database_for(self.settings.mongo))

    def kafka_ready(self) -> bool:
        try:
            return broker_reachable(self._admin_client())
        except Exception:  # the admin client cannot even connect: not ready, and readiness never raises
            self._admin = None
            return False

    def _admin_client(self) -> KafkaAdminClient:
        if self._admin is None or self._admin[0] != os.getpid():
            self._admin = (os.getpid(), admin_client(self.settings.kafka.bootstrap_servers, "parcelbridge-orders"))
        return self._admin[1]


def bootstrap(environ: Mapping[str, str] | None = None) -> OrdersService:
    """Read the configuration once and set up logging; no connection is opened yet."""
    settings = load_settings("orders", environ)
    configure_logging("orders", settings.log_level)
    return OrdersService(settings)


def create_orders_app(service: OrdersService) -> Flask:
    """The orders API app (clients are opened by the first request of each process)."""
    return create_app(
        "orders",
        [orders_blueprint(service)],
        readiness={"kafka": service.kafka_ready, "store": service.store_ready},
        max_body_bytes=service.settings.max_body_bytes,
    )
