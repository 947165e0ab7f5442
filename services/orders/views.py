"""What the shipper API reads and answers: the query and response models of the orders routes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from services.orders.domain.model import Order, OrderStatus
from shared.events.schemas.base import Payload
from shared.events.schemas.orders import Customs, Parcel, Recipient, Sender
from shared.events.schemas.vocabulary import ServiceLevel
from shared.http.hygiene import time_in_range

ORDER_ID_PATTERN = re.compile(r"^ord_[a-z2-7]{20}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: object) -> object:
    if isinstance(value, str) and not _RFC3339.match(value):
        raise ValueError("use an RFC 3339 date-time with a time zone, e.g. 2025-06-01T00:00:00Z")
    return value


# Bounded: a year-9999 time overflowed the store's date type and answered 500.
Rfc3339 = Annotated[AwareDatetime, BeforeValidator(_rfc3339), AfterValidator(time_in_range)]


class CancelRequest(Payload):
    """The optional body of `POST /v1/orders/{order_id}/cancel`."""

    reason: str | None = Field(default=None, min_length=1, max_length=500)


class ListQuery(BaseModel):
    """The query string of `GET /v1/orders`; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100, description="Page size")
    status: OrderStatus | None = Field(default=None, description="Only orders in this status")
    created_from: Rfc3339 | None = Field(default=None, description="Created at or after (RFC 3339)")
    created_to: Rfc3339 | None = Field(default=None, description="Created at or before (RFC 3339)")
    cursor: str | None = Field(default=None, max_length=200, description="`next_cursor` of the previous page")


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HistoryView(_View):
    status: OrderStatus
    at: datetime
    source: Literal["shipper", "shipping", "tracking"]
    reason: str | None = None


class BookingView(_View):
    shipment_id: str
    sf_waybill: str
    ups_tracking_number: str
    promised_delivery_date: date | None = None


class RejectionView(_View):
    reason_code: str
    reason: str


class OrderView(_View):
    """An order as its shipper sees it."""

    id: str
    status: OrderStatus
    shipper_reference: str
    service_level: ServiceLevel
    created_at: datetime
    updated_at: datetime
    status_history: list[HistoryView]
    sender: Sender
    recipient: Recipient
    parcels: list[Parcel]
    customs: Customs
    booking: BookingView | None = None
    rejection: RejectionView | None = None
    cancellable: bool
    cancellation_reason: str | None = None
    cancellation_refused_reason: str | None = None


class OrderPage(_View):
    """One page of orders, newest first; pass `next_cursor` as `cursor` for the next page (null at the end)."""

    data: list[OrderView]
    next_cursor: str | None


def order_view(order: Order) -> dict:
    """The JSON body of one order."""
    details = order.details
    view = OrderView(
        id=order.id,
        status=order.status,
        shipper_reference=details["shipper_reference"],
        service_level=details["service_level"],
        created_at=order.created_at,
        updated_at=order.updated_at,
        status_history=[HistoryView(status=h.status, at=h.at, source=h.source, reason=h.reason) for h in order.history],
        sender=details["sender"],
        recipient=details["recipient"],
        parcels=details["parcels"],
        customs=details["customs"],
        booking=BookingView(**vars(order.booking)) if order.booking else None,
        rejection=RejectionView(**vars(order.rejection)) if order.rejection else None,
        cancellable=order.why_not_cancellable() is None,
        cancellation_reason=order.cancellation_reason,
        cancellation_refused_reason=order.cancellation_refused_reason,
    )
    return view.model_dump(mode="json")
