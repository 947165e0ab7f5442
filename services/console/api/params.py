"""Reading the console's query strings and bodies: browser filters, seeks, and replay selections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.console.adapters.readmodel import MongoReadModel
from services.console.domain.records import RecordFilter, parse_header_filter
from services.console.handlers.dead_letters import Selection
from services.console.views import DryRunBody
from shared.http.body import query_text
from shared.http.hygiene import time_in_range
from shared.http.problems import validation_problem


def _int(name: str, low: int = 0, high: int = 2**62) -> int | None:
    raw = query_text(name, 30)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise validation_problem([{"field": name, "message": "must be an integer"}], status=400) from None
    if not low <= value <= high:
        raise validation_problem([{"field": name, "message": f"must be within {low}..{high}"}], status=400)
    return value


def timestamp_ms(raw: str | None) -> int | None:
    """Epoch milliseconds, or an ISO 8601 time (UTC when no offset is given), from 1970 up to 2100."""
    if raw in (None, ""):
        return None
    try:
        moment = _moment(raw.strip())
        # Kafka's offset-for-time lookup takes no time before the epoch, and year 9999 overflows a zone shift.
        return int(time_in_range(moment).timestamp() * 1000)
    except (ValueError, OverflowError) as exc:
        message = f"an ISO time or epoch milliseconds: {exc}"
        raise validation_problem([{"field": "timestamp", "message": message}], status=400) from None


def _moment(raw: str) -> datetime:
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw) / 1000, UTC)
    moment = datetime.fromisoformat(raw.replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_filter(model: MongoReadModel | None, values: dict[str, str | None]) -> RecordFilter:
    """Key (any parcel number resolves to its shipment id and order id), type, header `name[=value]`, text."""
    keys = None
    key = (values.get("key") or "").strip()
    if key:
        keys = {key}
        if model is not None:
            shipment_id = model.resolve(key)
            if shipment_id:
                keys.add(shipment_id)
                parcel = model.parcel(shipment_id)
                if parcel and parcel.get("order_id"):
                    keys.add(parcel["order_id"])
    header_name, header_value = parse_header_filter(values.get("header"))
    return RecordFilter(frozenset(keys) if keys else None, (values.get("type") or "").strip() or None,
                        header_name, header_value, (values.get("q") or "").strip() or None)


def filter_from_args(model: MongoReadModel | None) -> RecordFilter:
    return record_filter(model, {name: query_text(name) for name in ("key", "type", "header", "q")})


def browse_args() -> dict[str, Any]:
    partition = _int("partition", 0, 100_000)
    offset = _int("offset")
    anchors = None
    if offset is not None:
        if partition is None:
            raise validation_problem([{"field": "offset", "message": "seeking by offset needs a partition"}],
                                     status=400)
        anchors = {partition: offset + 1}  # the offset asked for is the newest shown
    before = _int("before")
    if before is not None and partition is not None:
        anchors = {partition: before}
    return {"partition": partition, "anchors": anchors, "timestamp_ms": timestamp_ms(query_text("timestamp", 40)),
            "limit": _int("limit", 1, 200) or 50}


def selection(body: DryRunBody, model: MongoReadModel) -> Selection:
    if body.record_ids:
        return Selection(record_ids=tuple(body.record_ids))
    if body.filter is None:
        raise validation_problem([{"field": "record_ids", "message": "choose records or give a filter"}])
    filt = record_filter(model, body.filter.model_dump())
    if filt.empty and not body.filter.all:
        raise validation_problem([{"field": "filter", "message": "an empty filter would pick every record; "
                                   "give at least one condition"}])
    return Selection(filt=filt)
