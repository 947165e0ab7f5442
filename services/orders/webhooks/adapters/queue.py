"""The webhook deliveries queued on order documents, waiting for the deliver process to move them into the log.

The orders consumer queues a delivery in the same write as the status change that causes it (`WEBHOOK_OUTBOX`
on the order document); orders holding some are found through `webhook_hints` (see PendingDocuments), not by
a scan. The composition root hands over the orders collection and every queue its documents carry.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

from pymongo.collection import Collection

from services.orders.webhooks.domain.model import PendingDelivery
from shared.errors import ConcurrencyConflict
from shared.mongo.documents import Queue, VersionedCollection
from shared.mongo.pending import PendingDocuments

WEBHOOK_OUTBOX = "webhook_outbox"  # deliveries queued on an order, moved out by the deliver process
WEBHOOK_QUEUE = Queue(f"{WEBHOOK_OUTBOX}_pending", "webhook_hints")


@dataclass(frozen=True)
class QueuedDeliveries:
    """The deliveries queued on one order document."""

    order_id: str
    shipper_id: str
    deliveries: list[PendingDelivery]


class DeliveryQueue(abc.ABC):
    """The deliveries queued on order documents, waiting to be moved into the delivery log."""

    @abc.abstractmethod
    def pending(self, limit: int) -> list[QueuedDeliveries]: ...

    @abc.abstractmethod
    def remove(self, order_id: str, delivery_ids: set[str]) -> None:
        """Drop these deliveries from the order's queue; ones queued meanwhile stay."""


class MongoDeliveryQueue(DeliveryQueue):
    """The consumer hints an order before writing its deliveries: a hint may wait `settle` s for its document."""

    def __init__(self, orders: Collection, queues: Sequence[Queue], attempts: int = 5, sweep_every: float = 30.0,
                 settle: float = 10.0):
        self.store = VersionedCollection(orders, queues)  # every queue of the order document, to keep their flags
        self.attempts = attempts
        self.queued = PendingDocuments([self.store], WEBHOOK_QUEUE, sweep_every, settle=settle)

    def pending(self, limit: int) -> list[QueuedDeliveries]:
        return [
            QueuedDeliveries(d["_id"], d["shipper_id"], [PendingDelivery(**p) for p in d.get(WEBHOOK_OUTBOX, [])])
            for _, d in self.queued.take(limit)
        ]

    def remove(self, order_id: str, delivery_ids: set[str]) -> None:
        for attempt in range(self.attempts):
            current = self.store.get(order_id)
            if current is None:
                return
            remaining = [p for p in current.get(WEBHOOK_OUTBOX, []) if p["delivery_id"] not in delivery_ids]
            try:
                self.store.save({**current, WEBHOOK_OUTBOX: remaining, WEBHOOK_QUEUE.flag: bool(remaining)})
                return
            except ConcurrencyConflict:
                if attempt == self.attempts - 1:
                    raise
