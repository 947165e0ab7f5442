"""What a caller asks the orders service to do (imperative names)."""

from __future__ import annotations

from dataclasses import dataclass

from services.orders.domain.placement import OrderRequest


@dataclass(frozen=True)
class PlaceOrder:
    shipper_id: str
    request: OrderRequest
    idempotency_key: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class CancelOrder:
    shipper_id: str
    order_id: str
    reason: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class CreateShipper:
    name: str


@dataclass(frozen=True)
class RevokeShipper:
    shipper_id: str
