"""The shipping service's own settings (read from the environment by bootstrap.py, and only there)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippingOptions:
    outbox_sweep_seconds: float = 5.0  # how often the relay looks for events a crashed consumer left unpublished
    outbox_grace_seconds: float = 15.0  # how old a hint must be before the relay takes it from the live writer
