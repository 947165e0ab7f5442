"""The read model's event handlers: one per consumed event type, each load → pure change → one write.

The consumer runner hands over only the event; where it sat in Kafka (topic, partition, offset, timestamp)
comes through `current_record`, which the console's runner sets around every handler call.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from kafka.consumer.fetcher import ConsumerRecord

from services.console.adapters.readmodel import EXCEPTIONS, UNMAPPED, MongoReadModel
from services.console.domain import pipeline as pl
from shared.events.envelope import CloudEvent
from shared.kafka.consumer import ConsumerRunner

current_record: contextvars.ContextVar[ConsumerRecord | None] = contextvars.ContextVar("current_record", default=None)


class RecordAwareRunner(ConsumerRunner):
    """The shared runner, plus the record's position made visible to the handlers."""

    def _handle(self, record: ConsumerRecord) -> None:
        token = current_record.set(record)
        try:
            super()._handle(record)
        finally:
            current_record.reset(token)


@dataclass(frozen=True)
class Position:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int


def position() -> Position:
    record = current_record.get()
    if record is None:
        return Position("?", -1, -1, 0)
    return Position(record.topic, record.partition, record.offset, record.timestamp)


def _summary(event: CloudEvent) -> str:
    d = event.data
    parts = [event.short_type]
    for name in ("status", "milestone", "carrier", "reason", "reason_code", "raw_text"):
        if d.get(name):
            parts.append(f"{name}={d[name]}")
    return " ".join(parts)


def _trace(event: CloudEvent, at: Position) -> dict:
    return pl.trace_entry(at.topic, at.partition, at.offset, event.model_dump(mode="json"), _summary(event))


def _publish_delay(document: pl.Document, event: CloudEvent, at: Position) -> pl.Document:
    """How long the producing service's outbox relay took: Kafka's timestamp minus the event's own time."""
    service = event.source.rsplit("/", 1)[-1] or "unknown"
    if at.timestamp_ms <= 0:
        return document
    return pl.add_delay(document, f"publish_{service}", at.timestamp_ms - event.time.timestamp() * 1000)


def order_placed(event: CloudEvent, model: MongoReadModel) -> None:
    at = position()

    def change(order: pl.Document) -> pl.Document:
        order = pl.on_order_placed(order, event.data, at.timestamp_ms or int(event.time.timestamp() * 1000))
        order.setdefault("stage", "order_created")
        order["stage_since"] = order.get("stage_since") or event.time
        return pl.with_trace(order, _trace(event, at))

    model.change_order(event.data["order_id"], event.id, change)
    order = model.order(event.data["order_id"])
    if order and order.get("shipment_id"):
        model.change_parcel(order["shipment_id"], event.id, lambda p: pl.with_order(p, order))


def order_cancelled(event: CloudEvent, model: MongoReadModel) -> None:
    at = position()

    def change(order: pl.Document) -> pl.Document:
        if not order.get("shipment_id"):
            order = {**order, "stage": "cancelled", "stage_since": event.time}
        return pl.with_trace(order, _trace(event, at))

    model.change_order(event.data["order_id"], event.id, change)


def shipment_booked(event: CloudEvent, model: MongoReadModel) -> None:
    at = position()
    data = event.data
    shipment_id = data["shipment_id"]
    model.change_order(data["order_id"], event.id, lambda o: pl.with_trace(
        {**o, "shipment_id": shipment_id, "stage": "booked"}, _trace(event, at)))
    order = model.order(data["order_id"])
    model.add_aliases(shipment_id, [shipment_id, data["sf_waybill"], data["ups_tracking_number"], data["order_id"]])
    model.change_parcel(shipment_id, event.id, lambda p: pl.with_trace(
        _publish_delay(pl.on_booked(p, data, event.time, order), event, at), _trace(event, at)))


def booking_failed(event: CloudEvent, model: MongoReadModel) -> None:
    at = position()
    model.change_order(event.data["order_id"], event.id, lambda o: pl.with_trace(
        {**o, "stage": "booking_failed", "stage_since": event.time, "reason": event.data["reason_code"]},
        _trace(event, at)))


def shipment_changed(event: CloudEvent, model: MongoReadModel) -> None:
    """shipment.cancelled moves the parcel aside; a refused cancellation only joins its timeline."""
    at = position()

    def change(parcel: pl.Document) -> pl.Document:
        if event.short_type == "shipment.cancelled":
            parcel = pl.on_cancelled(parcel, event.time)
        return pl.with_trace(parcel, _trace(event, at))

    model.change_parcel(event.data["shipment_id"], event.id, change)


def scan_recorded(event: CloudEvent, model: MongoReadModel) -> None:
    at = position()
    data = event.data
    model.change_parcel(data["shipment_id"], event.id, lambda p: pl.with_trace(
        _publish_delay(pl.on_scan(p, data, at.timestamp_ms), event, at), _trace(event, at)))
    for collection, row in ((EXCEPTIONS, pl.exception_of(data)), (UNMAPPED, pl.unmapped_of(data))):
        if row is not None:
            model.add_row(collection, row)


def status_changed(event: CloudEvent, model: MongoReadModel) -> None:
    at = position()
    model.change_parcel(event.data["shipment_id"], event.id, lambda p: pl.with_trace(
        _publish_delay(pl.on_status(p, event.data, event.time), event, at), _trace(event, at)))


HANDLERS: dict[str, Callable[..., None]] = {
    "order.placed": order_placed,
    "order.cancelled": order_cancelled,
    "shipment.booked": shipment_booked,
    "shipment.booking_failed": booking_failed,
    "shipment.cancelled": shipment_changed,
    "shipment.cancellation_refused": shipment_changed,
    "scan.recorded": scan_recorded,
    "tracking.status_changed": status_changed,
}


def event_handlers(model: MongoReadModel) -> dict[str, Callable[[CloudEvent], None]]:
    return {kind: partial(handler, model=model) for kind, handler in HANDLERS.items()}
