"""The console's own read model of the parcel pipeline, built from the topics (never another service's store).

A parcel document is keyed by shipment id and changed by pure functions, one per event type; orders are kept
apart (keyed by order id) until their shipment is booked. Documents are plain JSON-like dicts with datetimes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

Document = dict[str, Any]

MILESTONES = (
    "label_created", "first_mile_picked_up", "origin_hub_processed", "export_customs_in_progress",
    "export_customs_cleared", "linehaul_departed", "arrived_destination_country", "import_customs_in_progress",
    "import_customs_released", "last_mile_in_transit", "out_for_delivery", "delivery_attempted", "delivered",
    "returning", "returned",
)
# The funnel reads left to right: an order waits for booking, then each milestone; refusals sit at the side.
STAGES = ("order_created", *MILESTONES, "booking_failed", "cancelled")
TERMINAL = frozenset({"delivered", "returned", "cancelled", "booking_failed"})
CUSTOMS = {"export_customs_in_progress": "export", "import_customs_in_progress": "import"}
CUSTOMS_DONE = {"export_customs_cleared": "export", "import_customs_released": "import"}
EXCEPTION_STATUSES = frozenset({"on_hold", "delivery_failed", "delivery_delayed", "return_to_sender"})
TRACE_KEEP = 150
DELAYS_KEEP = 20


def when(value: Any) -> datetime | None:
    """A datetime from an event field (ISO text) or a stored value."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def trace_entry(topic: str, partition: int, offset: int, event: Document, summary: str) -> Document:
    return {"topic": topic, "partition": partition, "offset": offset, "type": event.get("type", ""),
            "at": when(event.get("time")), "summary": summary[:200]}


def with_trace(document: Document, entry: Document) -> Document:
    trace = [*document.get("trace", []), entry][-TRACE_KEEP:]
    return {**document, "trace": trace}


def new_parcel(shipment_id: str) -> Document:
    return {"_id": shipment_id, "stage": "order_created", "stage_since": None, "milestones": {}, "trace": [],
            "delays": {}, "last_scan": {}, "customs": {}}


def enter(document: Document, stage: str, at: datetime | None) -> Document:
    """Move to `stage` (a milestone or a side stage), remembering when each milestone was first reached."""
    milestones = dict(document.get("milestones", {}))
    if at is not None and stage in MILESTONES and stage not in milestones:
        milestones[stage] = at
    changed = stage != document.get("stage")
    since = at if changed or document.get("stage_since") is None else document["stage_since"]
    return {**document, "stage": stage, "stage_since": since, "milestones": milestones}


def add_delay(document: Document, name: str, milliseconds: float | None) -> Document:
    if milliseconds is None:
        return document
    delays = dict(document.get("delays", {}))
    delays[name] = [*delays.get(name, []), round(milliseconds, 1)][-DELAYS_KEEP:]
    return {**document, "delays": delays}


def on_order_placed(order: Document, data: Document, record_ms: int) -> Document:
    """The order document: when it was placed and when its event reached Kafka."""
    return {**order, "placed_at": when(data["placed_at"]), "record_ms": record_ms,
            "shipper_id": data.get("shipper_id")}


def on_booked(parcel: Document, data: Document, event_time: datetime, order: Document | None) -> Document:
    booked_at = when(data.get("booked_at")) or event_time
    numbers = {"sf": data["sf_waybill"], "ups": data["ups_tracking_number"]}
    parcel = {**parcel, "order_id": data["order_id"], "shipper_id": data["shipper_id"], "numbers": numbers,
              "booked_at": booked_at, "service_level": data.get("service_level"),
              "promised": data.get("promised_delivery_date")}
    if order:
        parcel = with_order(parcel, order, event_time)
    if parcel.get("stage") in ("order_created", None):
        parcel = enter(parcel, "label_created", booked_at)
    return parcel


def with_order(parcel: Document, order: Document, booked_event_time: datetime | None = None) -> Document:
    """Copy the order's placement time; the booking delay is shipping's own processing time."""
    parcel = {**parcel, "placed_at": order.get("placed_at")}
    record_ms = order.get("record_ms")
    if booked_event_time and record_ms and "shipping_booking" not in parcel.get("delays", {}):
        parcel = add_delay(parcel, "shipping_booking", booked_event_time.timestamp() * 1000 - record_ms)
    return parcel


def on_cancelled(parcel: Document, at: datetime) -> Document:
    return enter(parcel, "cancelled", at)


def on_scan(parcel: Document, data: Document, record_ms: int) -> Document:
    """A carrier scan: freshness per carrier, the first physical scan, customs times and port."""
    at = when(data["occurred_at"])
    carrier = data["carrier"]
    last_scan = dict(parcel.get("last_scan", {}))
    if at and (carrier not in last_scan or at > when(last_scan[carrier])):
        last_scan[carrier] = at
    parcel = {**parcel, "last_scan": last_scan}
    scan_ms = dict(parcel.get("scan_ms", {}))
    scan_ms[data["scan_id"]] = record_ms
    parcel["scan_ms"] = dict(list(scan_ms.items())[-DELAYS_KEEP:])
    physical = data.get("kind", "movement") == "movement" and data.get("status") not in (None, "pending", "unknown")
    if physical and at and (parcel.get("first_scan_at") is None or at < when(parcel["first_scan_at"])):
        parcel["first_scan_at"] = at
    return _customs(parcel, data.get("milestone"), at, (data.get("location") or {}).get("city"))


def _customs(parcel: Document, milestone: str | None, at: datetime | None, city: str | None) -> Document:
    customs = dict(parcel.get("customs", {}))
    if milestone in CUSTOMS and at:
        side = CUSTOMS[milestone]
        customs.setdefault(f"{side}_in", at)
        if city:
            customs[f"{side}_port"] = city
    if milestone in CUSTOMS_DONE and at:
        customs.setdefault(f"{CUSTOMS_DONE[milestone]}_out", at)
    return {**parcel, "customs": customs}


def on_status(parcel: Document, data: Document, event_time: datetime) -> Document:
    """tracking.status_changed: the milestone the tracking service decided, and its reason."""
    at = when(data["occurred_at"])
    parcel = {**parcel, "status": data["status"], "leg": data.get("leg"), "carrier": data.get("carrier"),
              "reason": data.get("reason"), "order_id": parcel.get("order_id") or data.get("order_id")}
    if data["status"] == "cancelled":
        parcel = enter(parcel, "cancelled", at)
    elif data.get("milestone") and data["milestone"] in MILESTONES:
        parcel = enter(parcel, data["milestone"], at)
    if data["status"] == "delivered" and at:
        parcel.setdefault("delivered_at", at)
    parcel = _customs(parcel, data.get("milestone"), at, None)
    scan_ms = parcel.get("scan_ms", {}).get(data.get("scan_id") or "")
    if scan_ms:
        parcel = add_delay(parcel, "tracking_status", event_time.timestamp() * 1000 - scan_ms)
    return parcel


def exception_of(data: Document) -> Document | None:
    """A scan that is an exception (hold, failed delivery, delay), as a row for the exceptions panel."""
    if data.get("status") not in EXCEPTION_STATUSES:
        return None
    return {"_id": data["scan_id"], "at": when(data["occurred_at"]), "shipment_id": data["shipment_id"],
            "carrier": data["carrier"], "leg": data.get("leg") or "unknown", "status": data["status"],
            "reason": data.get("reason") or "unknown", "raw_text": (data.get("raw_text") or "")[:200],
            "code": _codes(data)}


def unmapped_of(data: Document) -> Document | None:
    """A movement scan no code table mapped (status `unknown`), as a sample for the unmapped-codes panel."""
    if data.get("kind", "movement") != "movement" or data.get("mapped_from") is not None:
        return None
    if data.get("status") not in (None, "unknown"):
        return None
    return {"_id": data["scan_id"], "at": when(data["occurred_at"]), "carrier": data["carrier"],
            "code": _codes(data), "raw_text": (data.get("raw_text") or "")[:200], "shipment_id": data["shipment_id"]}


def _codes(data: Document) -> str:
    """Raw carrier codes as one text (their field names may hold characters a store key may not)."""
    codes = data.get("raw_codes") or {}
    return (",".join(f"{k}={v}" for k, v in sorted(codes.items())) or "(none)")[:200]
