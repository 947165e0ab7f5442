"""The Shipper entity: who may call the shipper API, and with which keys (stored as hashes only)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from services.orders.domain.model import DomainEvent


class ShipperNotFound(LookupError):
    """No shipper has this id."""


@dataclass(frozen=True)
class ShipperKey:
    key_id: str
    key_hash: str
    issued_at: datetime
    revoked_at: datetime | None = None


@dataclass
class Shipper:
    id: str
    name: str
    created_at: datetime
    keys: list[ShipperKey] = field(default_factory=list)
    revoked_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(cls, shipper_id: str, name: str, key_id: str, key_hash: str, now: datetime) -> Shipper:
        """A shipper with one key, announced as `shipper.key_issued` so other shipper APIs accept it."""
        shipper = cls(shipper_id, name, now)
        shipper.issue_key(key_id, key_hash, now)
        return shipper

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def active_keys(self) -> list[ShipperKey]:
        return [key for key in self.keys if key.revoked_at is None]

    def issue_key(self, key_id: str, key_hash: str, now: datetime) -> None:
        self.keys.append(ShipperKey(key_id, key_hash, now))
        self.events.append(("shipper.key_issued", {
            "shipper_id": self.id, "shipper_name": self.name, "key_id": key_id, "key_hash": key_hash,
        }))

    def revoke(self, now: datetime) -> list[ShipperKey]:
        """Revoke the shipper and every key still active; returns those keys (none the second time)."""
        revoked = self.active_keys()
        self.keys = [replace(key, revoked_at=key.revoked_at or now) for key in self.keys]
        self.revoked_at = self.revoked_at or now
        for key in revoked:
            self.events.append(("shipper.key_revoked", {
                "shipper_id": self.id, "key_id": key.key_id, "key_hash": key.key_hash,
            }))
        return revoked
