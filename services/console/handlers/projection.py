"""The read model's handlers: (document or None, event, deps) -> Applied(document after it), pure, one per type.

Orders and parcels are separate documents. An order event changes its order, a shipment, scan or status event
its parcel; a booking changes both (once through each table). A parcel copies what it needs of its order
through `Projection.order_of`, which the unit answers with the order as this poll left it (see projection_unit).
Where an event sat in Kafka (its trace entry, the publish delay) comes from the runner, through `position_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.console.adapters.readmodel import EXCEPTIONS, ORDERS, PARCELS, UNMAPPED
from services.console.domain import pipeline as pl
from shared.batch.position import RecordPosition, position_of
from shared.batch.routes import Applied, Handles, keyed
from shared.events.envelope import CloudEvent

OrderOf = Callable[[str], pl.Document | None]


@dataclass(frozen=True)
class Projection:
    """The handlers' one collaborator: the order as this poll left it (the unit's cache, else one read)."""

    order_of: OrderOf


def _summary(event: CloudEvent) -> str:
    d = event.data
    parts = [event.short_type]
    for name in ("status", "milestone", "carrier", "reason", "reason_code", "raw_text"):
        if d.get(name):
            parts.append(f"{name}={d[name]}")
    return " ".join(parts)


def _trace(event: CloudEvent, at: RecordPosition) -> pl.Document:
    return pl.trace_entry(at.topic, at.partition, at.offset, event.model_dump(mode="json"), _summary(event))


def _publish_delay(document: pl.Document, event: CloudEvent, at: RecordPosition) -> pl.Document:
    """How long the producing service took to publish: Kafka's timestamp minus the event's own time."""
    service = event.source.rsplit("/", 1)[-1] or "unknown"
    if at.timestamp_ms <= 0:
        return document
    return pl.add_delay(document, f"publish_{service}", at.timestamp_ms - event.time.timestamp() * 1000)


def _traced(document: pl.Document, event: CloudEvent) -> Applied[pl.Document]:
    return Applied(pl.with_trace(document, _trace(event, position_of(event))))


def _order(order: pl.Document | None, event: CloudEvent) -> pl.Document:
    return order or {"_id": event.data["order_id"], "trace": []}


def _parcel(parcel: pl.Document | None, shipment_id: str) -> pl.Document:
    return parcel or pl.new_parcel(shipment_id)


# Orders, keyed by order id.

def order_placed(order: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    record_ms = position_of(event).timestamp_ms or int(event.time.timestamp() * 1000)
    order = pl.on_order_placed(_order(order, event), event.data, record_ms)
    order.setdefault("stage", "order_created")
    order["stage_since"] = order.get("stage_since") or event.time
    return _traced(order, event)


def order_cancelled(order: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    order = _order(order, event)
    if not order.get("shipment_id"):
        order = {**order, "stage": "cancelled", "stage_since": event.time}
    return _traced(order, event)


def order_booked(order: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    return _traced({**_order(order, event), "shipment_id": event.data["shipment_id"], "stage": "booked"}, event)


def booking_failed(order: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    order = {**_order(order, event), "stage": "booking_failed", "stage_since": event.time,
             "reason": event.data["reason_code"]}
    return _traced(order, event)


# Parcels, keyed by shipment id.

def parcel_booked(parcel: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    data = event.data
    booked = pl.on_booked(_parcel(parcel, data["shipment_id"]), data, event.time, deps.order_of(data["order_id"]))
    return _traced(_publish_delay(booked, event, position_of(event)), event)


def order_joined(parcel: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    """An order placed event read after its booking: the parcel takes the order's placement time (no trace)."""
    order = deps.order_of(event.data["order_id"]) or {}
    return Applied(pl.with_order(_parcel(parcel, order["shipment_id"]), order))


def shipment_changed(parcel: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    """shipment.cancelled moves the parcel aside; a refused cancellation only joins its timeline."""
    parcel = _parcel(parcel, event.data["shipment_id"])
    if event.short_type == "shipment.cancelled":
        parcel = pl.on_cancelled(parcel, event.time)
    return _traced(parcel, event)


def scan_recorded(parcel: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    at = position_of(event)
    scanned = pl.on_scan(_parcel(parcel, event.data["shipment_id"]), event.data, at.timestamp_ms)
    return _traced(_publish_delay(scanned, event, at), event)


def status_changed(parcel: pl.Document | None, event: CloudEvent, deps: Projection) -> Applied[pl.Document]:
    changed = pl.on_status(_parcel(parcel, event.data["shipment_id"]), event.data, event.time)
    return _traced(_publish_delay(changed, event, position_of(event)), event)


def _by_order_id(event: CloudEvent) -> str:
    return event.data["order_id"]


def _by_shipment_id(event: CloudEvent) -> str:
    return event.data["shipment_id"]


def _orders_parcel(event: CloudEvent, deps: Projection) -> tuple[str, str]:
    return PARCELS, (deps.order_of(event.data["order_id"]) or {})["shipment_id"]


ORDER_ROUTES: dict[str, Handles] = {
    kind: Handles(handler, keyed(ORDERS, _by_order_id)) for kind, handler in {
        "order.placed": order_placed,
        "order.cancelled": order_cancelled,
        "shipment.booked": order_booked,
        "shipment.booking_failed": booking_failed,
    }.items()
}

# `order.placed` reaches a parcel only when its order is booked already (the unit checks), and its parcel is
# known only through that order.
PARCEL_ROUTES: dict[str, Handles] = {
    "shipment.booked": Handles(parcel_booked, keyed(PARCELS, _by_shipment_id)),
    "shipment.cancelled": Handles(shipment_changed, keyed(PARCELS, _by_shipment_id)),
    "shipment.cancellation_refused": Handles(shipment_changed, keyed(PARCELS, _by_shipment_id)),
    "scan.recorded": Handles(scan_recorded, keyed(PARCELS, _by_shipment_id)),
    "tracking.status_changed": Handles(status_changed, keyed(PARCELS, _by_shipment_id)),
    "order.placed": Handles(order_joined, _orders_parcel, locate_with_deps=True),
}


# Insert-once rows beside the documents.

def alias_rows(bookings: Sequence[CloudEvent]) -> list[pl.Document]:
    """Every number a booked parcel may be searched by (JV number, SF waybill, UPS 1Z, order id)."""
    return [{"_id": number.upper(), "shipment_id": event.data["shipment_id"]} for event in bookings
            for number in (event.data["shipment_id"], event.data["sf_waybill"], event.data["ups_tracking_number"],
                           event.data["order_id"])]


def panel_rows(scans: Sequence[CloudEvent]) -> dict[str, list[pl.Document]]:
    """The exception and unmapped-code rows of these scans (`_id` = scan id), by collection."""
    return {collection: [row for event in scans if (row := of(event.data)) is not None]
            for collection, of in ((EXCEPTIONS, pl.exception_of), (UNMAPPED, pl.unmapped_of))}
