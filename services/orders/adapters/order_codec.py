"""An order as the consumer's batch unit holds it: the order, and the webhook deliveries queued on its document."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from services.orders.adapters.repository import order_document, order_from_document
from services.orders.domain.model import Order
from services.orders.webhooks.adapters.queue import WEBHOOK_OUTBOX, WEBHOOK_QUEUE
from services.orders.webhooks.domain.model import PendingDelivery
from shared.batch.routes import Codec
from shared.mongo.documents import Document


@dataclass
class QueuedOrder:
    order: Order
    deliveries: list[PendingDelivery] = field(default_factory=list)  # waiting for the deliverer to move them


def load_queued(document: Document) -> QueuedOrder:
    return QueuedOrder(order_from_document(document),
                       [PendingDelivery(**queued) for queued in document.get(WEBHOOK_OUTBOX, [])])


def dump_queued(queued: QueuedOrder) -> Document:
    deliveries = [asdict(delivery) for delivery in queued.deliveries]
    return {**order_document(queued.order), WEBHOOK_OUTBOX: deliveries, WEBHOOK_QUEUE.flag: bool(deliveries)}


ORDER_CODEC: Codec[QueuedOrder] = Codec(load_queued, dump_queued)
