"""The Order entity: its statuses, its history and the rules that move it.

Every state-changing method records, in `events`, the domain events to publish with the same write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from shared.errors import BusinessRuleViolation
from shared.events.schemas.vocabulary import Status as ParcelStatus

OrderStatus = Literal["placed", "booked", "rejected", "in_transit", "delivered", "exception", "returned", "cancelled"]
ORDER_STATUSES: tuple[str, ...] = get_args(OrderStatus)
TERMINAL: frozenset[str] = frozenset({"rejected", "delivered", "returned", "cancelled"})
CANCELLABLE: frozenset[str] = frozenset({"placed", "booked"})
Source = Literal["shipper", "shipping", "tracking"]

# The parcel's customer-facing status (tracking.v1) as the order shows it; None leaves the order as it is.
PARCEL_TO_ORDER: dict[str, str | None] = {
    "pending": None,
    "unknown": None,
    "picked_up": "in_transit",
    "in_transit": "in_transit",
    "out_for_delivery": "in_transit",
    "delivery_delayed": "in_transit",
    "ready_for_pickup": "in_transit",
    "delivered": "delivered",
    "on_hold": "exception",
    "delivery_failed": "exception",
    "return_to_sender": "returned",
    "cancelled": "cancelled",
}
if set(PARCEL_TO_ORDER) != set(get_args(ParcelStatus)):
    raise RuntimeError("every parcel status needs an order mapping")

DomainEvent = tuple[str, dict[str, Any]]  # (short event type, data)


class OrderNotFound(BusinessRuleViolation):
    """No such order for this shipper (another shipper's order is reported the same way)."""


class CancellationNotAllowed(BusinessRuleViolation):
    """The parcel is already with a carrier, or the order reached an end."""


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    at: datetime
    source: Source
    reason: str | None = None


@dataclass(frozen=True)
class Booking:
    shipment_id: str
    sf_waybill: str
    ups_tracking_number: str
    promised_delivery_date: str | None = None


@dataclass(frozen=True)
class Rejection:
    reason_code: str
    reason: str


@dataclass
class Order:
    id: str
    shipper_id: str
    details: dict[str, Any]  # the validated request, JSON form
    fingerprint: str
    created_at: datetime
    updated_at: datetime
    status: str = "placed"
    history: list[HistoryEntry] = field(default_factory=list)
    idempotency_key: str | None = None
    booking: Booking | None = None
    rejection: Rejection | None = None
    cancellation_reason: str | None = None
    cancellation_refused_reason: str | None = None
    parcel_status: str | None = None  # the order status the parcel's last tracking event implies
    parcel_seen_at: datetime | None = None
    physically_scanned: bool = False
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def place(
        cls, order_id: str, shipper_id: str, details: dict[str, Any], fingerprint: str, now: datetime,
        idempotency_key: str | None = None,
    ) -> Order:
        """A new order in status `placed`, with its `order.placed` event."""
        order = cls(order_id, shipper_id, details, fingerprint, created_at=now, updated_at=now,
                    idempotency_key=idempotency_key)
        order.history.append(HistoryEntry("placed", now, "shipper"))
        order.events.append(("order.placed", {
            **details, "order_id": order_id, "shipper_id": shipper_id, "placed_at": now.isoformat(),
        }))
        return order

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def cancel(self, reason: str | None, now: datetime) -> None:
        """Cancel before the first physical carrier scan; a second cancel changes nothing."""
        if self.status == "cancelled":
            return
        refusal = self.why_not_cancellable()
        if refusal:
            raise CancellationNotAllowed(refusal)
        self.cancellation_reason = reason
        self._move("cancelled", now, "shipper", reason)
        self.events.append(("order.cancelled", {"order_id": self.id, "shipper_id": self.shipper_id, "reason": reason}))

    def why_not_cancellable(self) -> str | None:
        """None when the order may be cancelled now, else the reason it may not."""
        if self.physically_scanned:
            return ("a carrier has already scanned the parcel; an order can be cancelled only before "
                    "the first physical carrier scan")
        if self.status not in CANCELLABLE:
            return f"the order is {self.status}; only placed or booked orders can be cancelled"
        return None

    def book(self, booking: Booking, now: datetime) -> None:
        """The shipping service booked the shipment; a later status is kept (events arrive out of order)."""
        self.booking = booking
        if self.status == "placed":
            self._move("booked", now, "shipping")
        else:
            self.updated_at = now

    def reject(self, rejection: Rejection, now: datetime) -> None:
        """The shipping service refused to book."""
        self.rejection = rejection
        if self.status == "placed":
            self._move("rejected", now, "shipping", rejection.reason)
        else:
            self.updated_at = now

    def confirm_cancelled(self, now: datetime) -> None:
        """The shipment was cancelled: the parcel will not move, whatever the order showed."""
        if not self.is_terminal:
            self._move("cancelled", now, "shipping")

    def refuse_cancellation(self, reason: str, now: datetime) -> None:
        """The carrier had the parcel already: undo the shipper's cancel and follow the parcel again."""
        self.cancellation_refused_reason = reason
        if self.status == "cancelled":
            self._move(self._parcel_driven_status(), now, "shipping", f"cancellation refused: {reason}")
        else:
            self.updated_at = now

    def follow_parcel(
        self, parcel_status: str, occurred_at: datetime, physically_scanned: bool, reason: str | None, now: datetime
    ) -> None:
        """Reflect the parcel's tracking status; stale events and terminal orders change no status."""
        if self.parcel_seen_at is not None and occurred_at < self.parcel_seen_at:
            return
        self.parcel_seen_at = occurred_at
        self.physically_scanned = self.physically_scanned or physically_scanned
        self.updated_at = now
        target = PARCEL_TO_ORDER[parcel_status]
        if target is None:
            return
        self.parcel_status = target
        if not self.is_terminal and target != self.status:
            self._move(target, now, "tracking", reason)

    def _parcel_driven_status(self) -> str:
        return self.parcel_status or ("booked" if self.booking else "placed")

    def _move(self, status: str, now: datetime, source: Source, reason: str | None = None) -> None:
        self.status = status
        self.updated_at = now
        self.history.append(HistoryEntry(status, now, source, reason))
