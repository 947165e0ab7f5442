"""Webhooks and their delivery log in MongoDB.

`webhook_deliveries` is keyed by the delivery id, itself derived from (webhook, event): moving the same
queued delivery twice hits the duplicate-key error, which FerretDB reports as reliably as MongoDB.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.orders.webhooks.domain.model import Attempt, Delivery, Webhook, WebhookNotFound
from shared.mongo.client import IndexSpec
from shared.mongo.documents import Document

WEBHOOKS, DELIVERIES = "webhooks", "webhook_deliveries"
WEBHOOK_INDEXES = (
    IndexSpec(WEBHOOKS, (("shipper_id", 1), ("created_at", 1))),
    IndexSpec(DELIVERIES, (("webhook_id", 1), ("created_at", -1), ("_id", -1))),
    IndexSpec(DELIVERIES, (("state", 1), ("next_attempt_at", 1))),
)


class WebhookExists(Exception):
    """A webhook with this id is stored already (a retried Idempotency-Key)."""


@dataclass(frozen=True)
class DeliveryQuery:
    """One page of a webhook's deliveries, newest first; `after` is the (created_at, id) of the last one seen."""

    webhook_id: str
    limit: int = 20
    after: tuple[datetime, str] | None = None


class WebhookRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, webhook: Webhook) -> None:
        """Store a new webhook; raises WebhookExists if the id is taken."""

    @abc.abstractmethod
    def get(self, webhook_id: str) -> Webhook | None: ...

    @abc.abstractmethod
    def for_shipper(self, shipper_id: str) -> list[Webhook]:
        """The shipper's webhooks, oldest first."""

    @abc.abstractmethod
    def save(self, webhook: Webhook) -> None:
        """Store a changed webhook; a webhook deleted meanwhile stays deleted."""

    @abc.abstractmethod
    def delete(self, webhook_id: str) -> None: ...

    def get_for(self, shipper_id: str, webhook_id: str) -> Webhook:
        """The shipper's webhook; another shipper's is as unknown as a missing one."""
        webhook = self.get(webhook_id)
        if webhook is None or webhook.shipper_id != shipper_id:
            raise WebhookNotFound(f"no webhook {webhook_id}")
        return webhook

    def active_for(self, shipper_id: str) -> list[Webhook]:
        return [w for w in self.for_shipper(shipper_id) if w.active]

    def active_for_shippers(self, shipper_ids: Sequence[str]) -> dict[str, list[Webhook]]:
        """The active webhooks of each of these shippers (a store may answer in one query)."""
        return {shipper_id: self.active_for(shipper_id) for shipper_id in shipper_ids}


class DeliveryRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, delivery: Delivery) -> bool:
        """Store a new delivery; False (and nothing changes) when its id is stored already."""

    @abc.abstractmethod
    def save(self, delivery: Delivery) -> None: ...

    @abc.abstractmethod
    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries whose next attempt is due, the most overdue first."""

    @abc.abstractmethod
    def page(self, query: DeliveryQuery) -> list[Delivery]: ...


class MongoWebhookRepository(WebhookRepository):
    def __init__(self, db: Database):
        self.collection = db[WEBHOOKS]

    def add(self, webhook: Webhook) -> None:
        try:
            self.collection.insert_one(webhook_document(webhook))
        except DuplicateKeyError as exc:
            raise WebhookExists(webhook.id) from exc

    def get(self, webhook_id: str) -> Webhook | None:
        document = self.collection.find_one({"_id": webhook_id})
        return webhook_from_document(document) if document else None

    def for_shipper(self, shipper_id: str) -> list[Webhook]:
        found = self.collection.find({"shipper_id": shipper_id}).sort([("created_at", 1), ("_id", 1)])
        return [webhook_from_document(d) for d in found]

    def active_for_shippers(self, shipper_ids: Sequence[str]) -> dict[str, list[Webhook]]:
        found: dict[str, list[Webhook]] = {shipper_id: [] for shipper_id in shipper_ids}
        query = {"shipper_id": {"$in": list(shipper_ids)}, "state": "active"}
        for document in self.collection.find(query).sort([("created_at", 1), ("_id", 1)]):
            found[document["shipper_id"]].append(webhook_from_document(document))
        return found

    def save(self, webhook: Webhook) -> None:
        self.collection.replace_one({"_id": webhook.id}, webhook_document(webhook))  # no upsert: deleted stays so

    def delete(self, webhook_id: str) -> None:
        self.collection.delete_one({"_id": webhook_id})


def webhook_document(webhook: Webhook) -> Document:
    document = asdict(webhook)
    document["_id"] = document.pop("id")
    document["statuses"] = list(webhook.statuses) if webhook.statuses is not None else None
    return document


def webhook_from_document(document: Document) -> Webhook:
    fields = {k: v for k, v in document.items() if k != "_id"}
    statuses = fields.pop("statuses", None)
    return Webhook(id=document["_id"], statuses=tuple(statuses) if statuses is not None else None, **fields)


class MongoDeliveryRepository(DeliveryRepository):
    def __init__(self, db: Database):
        self.collection = db[DELIVERIES]

    def add(self, delivery: Delivery) -> bool:
        try:
            self.collection.insert_one(delivery_document(delivery))
        except DuplicateKeyError:
            return False
        return True

    def save(self, delivery: Delivery) -> None:
        self.collection.replace_one({"_id": delivery.id}, delivery_document(delivery))

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        found = self.collection.find({"state": "pending", "next_attempt_at": {"$lte": now}})
        return [delivery_from_document(d) for d in found.sort("next_attempt_at", 1).limit(limit)]

    def page(self, query: DeliveryQuery) -> list[Delivery]:
        clauses: list[dict[str, Any]] = [{"webhook_id": query.webhook_id}]
        if query.after:
            created_at, last_id = query.after
            clauses.append({"$or": [
                {"created_at": {"$lt": created_at}},
                {"created_at": created_at, "_id": {"$lt": last_id}},
            ]})
        found = self.collection.find({"$and": clauses}).sort([("created_at", -1), ("_id", -1)])
        return [delivery_from_document(d) for d in found.limit(query.limit)]


def delivery_document(delivery: Delivery) -> Document:
    document = asdict(delivery)
    document["_id"] = document.pop("id")
    return document


def delivery_from_document(document: Document) -> Delivery:
    fields = {k: v for k, v in document.items() if k not in ("_id", "attempts")}
    attempts = [Attempt(**a) for a in document.get("attempts", [])]
    return Delivery(id=document["_id"], attempts=attempts, **fields)
