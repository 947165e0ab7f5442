"""The webhooks' own settings (read from the environment by the orders bootstrap.py, and only there)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.orders.webhooks.delivery import DispatchSettings


@dataclass(frozen=True)
class WebhookSettings:
    allow_private_targets: bool = False  # true only where receivers run on loopback (tests, local demos)
    dispatch: DispatchSettings = field(default_factory=DispatchSettings)
