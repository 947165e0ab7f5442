"""The deliver process's loop; `python -m services.orders.worker deliver` starts it (one command for every orders
process, so supervision and deployments name it as before)."""

from __future__ import annotations

import threading
from typing import Protocol

from services.orders.webhooks.adapters.doorbell import KafkaDoorbell
from services.orders.webhooks.delivery import WebhookDispatcher
from shared.runtime import progress


class Deliverers(Protocol):
    """What the deliver process needs from its composition root."""

    def dispatcher(self) -> WebhookDispatcher: ...

    def doorbell(self) -> KafkaDoorbell: ...


def deliver(service: Deliverers, stop: threading.Event) -> None:
    """Move and send deliveries until `stop` is set."""
    # One deliver process per database: deliveries are not claimed, so two would both send them.
    doorbell = service.doorbell()
    try:
        service.dispatcher().run(stop, doorbell, on_pass=progress)
    finally:
        doorbell.close()
