"""The active webhooks of every shipper whose orders a batch touches, read in one query when first needed."""

from __future__ import annotations

from collections.abc import Mapping

from services.orders.webhooks.adapters.repository import WebhookRepository
from services.orders.webhooks.domain.model import Webhook
from shared.mongo.documents import Document


class WebhookDirectory:
    """Answers `active_for` during one attempt of a batch; `prepare` (the unit's on_load) starts each attempt."""

    def __init__(self, webhooks: WebhookRepository):
        self.webhooks = webhooks
        self._shippers: set[str] = set()
        self._found: dict[str, list[Webhook]] | None = None

    def prepare(self, stored: Mapping[tuple[str, str], Document]) -> None:
        self._shippers = {document["shipper_id"] for document in stored.values()}
        self._found = None  # read again each attempt: a retry may come long after, webhooks may have changed

    def active_for(self, shipper_id: str) -> list[Webhook]:
        if shipper_id not in self._shippers:  # an order the batch did not load: not expected, still answered
            return self.webhooks.active_for(shipper_id)
        if self._found is None:
            self._found = self.webhooks.active_for_shippers(sorted(self._shippers))
        return self._found.get(shipper_id, [])
