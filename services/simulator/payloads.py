"""The carrier requests the loop sends for a batch of due events: SF route pushes, UPS Track Alerts or Track API
answers, each built from the parcel's journey and the time each event happened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from services.simulator.carriers import sf, ups
from services.simulator.domain.dispatch import Dispatch
from services.simulator.state import ParcelRun

Batch = Sequence[tuple[str, Dispatch]]


def sf_push(parcels: Mapping[str, ParcelRun], batch: Batch) -> dict[str, Any]:
    return sf.route_push([sf_route(parcels[shipment_id], dispatch) for shipment_id, dispatch in batch])


def sf_route(run: ParcelRun, dispatch: Dispatch) -> dict[str, Any]:
    parcel = run.journey.parcel
    event = run.journey.events[dispatch.index]
    return sf.route(event, parcel.sf_waybill, parcel.shipment_id, run.stamps[dispatch.index])


def ups_push(parcels: Mapping[str, ParcelRun], batch: Batch, form: Literal["alert", "track"]) -> Any:
    """Track Alerts, one per event, or one Track API answer holding every package's activities."""
    if form == "track":
        packages: dict[str, list[tuple[datetime, dict[str, Any]]]] = {}
        for shipment_id, dispatch in batch:
            run = parcels[shipment_id]
            event, at, number = run.journey.events[dispatch.index], run.stamps[dispatch.index], \
                run.journey.parcel.ups_number
            packages.setdefault(number, []).append(
                (at, ups.activity(event, at, gmt=not ups.without_gmt(number, event, at))))
        return ups.track_response(packages)
    return [ups_alert(parcels[shipment_id], dispatch, gmt=None) for shipment_id, dispatch in batch]


def ups_alert(run: ParcelRun, dispatch: Dispatch, gmt: bool | None = True) -> dict[str, Any]:
    """One Track Alert; `gmt=None`: with or without GMT fields as `ups.without_gmt` picks for the event."""
    event, at = run.journey.events[dispatch.index], run.stamps[dispatch.index]
    parcel = run.journey.parcel
    scheduled = _local_date(run.stamps[-1], parcel.destination.zone) if event.place == parcel.destination else None
    with_gmt = gmt if gmt is not None else not ups.without_gmt(parcel.ups_number, event, at)
    return ups.alert(event, parcel.ups_number, at, scheduled, gmt=with_gmt)


def _local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()
