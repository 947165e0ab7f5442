"""`shippers.v1`: API keys issued and revoked, so every service with a shipper API can check them."""

from __future__ import annotations

from pydantic import Field

from shared.events.schemas.base import Payload


class ShipperKeyIssued(Payload):
    shipper_id: str
    shipper_name: str
    key_id: str
    key_hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class ShipperKeyRevoked(Payload):
    shipper_id: str
    key_id: str
    key_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
