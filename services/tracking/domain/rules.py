"""How a scan moves a tracker (carriers.md §1): the step of a fold over the timeline in event-time order.

The tracker's state is always recomputed by folding its whole timeline, sorted by event time, from its
starting state; so the arrival order of scans never matters, and an event older than a terminal one can
never change the status (the terminal one comes later in the fold and nothing moves after it).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.events.schemas.vocabulary import (
    MILESTONE_RANK,
    MILESTONES,
    Carrier,
    Leg,
    Milestone,
    Reason,
    Status,
    next_milestone,
)

RANK = MILESTONE_RANK
TERMINAL: frozenset[str] = frozenset({"delivered", "cancelled"})
# Clock skew we forgive before a scan counts as future-dated (kept, flagged, ignored by the status).
FUTURE_TOLERANCE = timedelta(hours=1)

LEG_OF: dict[str, Leg | None] = {
    "order_created": None, "label_created": None,
    "first_mile_picked_up": "first_mile", "origin_hub_processed": "first_mile",
    "export_customs_in_progress": "export_customs", "export_customs_cleared": "export_customs",
    "linehaul_departed": "air_linehaul", "arrived_destination_country": "air_linehaul",
    "import_customs_in_progress": "import_customs", "import_customs_released": "import_customs",
    "last_mile_in_transit": "last_mile", "out_for_delivery": "last_mile", "delivery_attempted": "last_mile",
    "delivered": "last_mile",
    # A return can start on any leg (a customs refusal, a refused delivery): the leg stays where it was.
    "returning": None, "returned": None,
}
# The status a milestone implies when a plain movement scan (not an exception) reaches it.
STATUS_OF: dict[str, Status] = {
    "order_created": "pending", "label_created": "pending", "first_mile_picked_up": "picked_up",
    **{m: "in_transit" for m in MILESTONES[RANK["origin_hub_processed"]:RANK["last_mile_in_transit"] + 1]},
    "out_for_delivery": "out_for_delivery",
    "delivery_attempted": "in_transit",  # after a failed attempt the parcel waits for the next one
    "delivered": "delivered", "returning": "return_to_sender", "returned": "return_to_sender",
}
PROGRESS: tuple[str, ...] = ("pending", "picked_up", "in_transit", "out_for_delivery", "delivered")
# Statuses that report a problem or a detour; they hold until the next movement scan.
EXCEPTIONS: frozenset[str] = frozenset(
    {"on_hold", "delivery_delayed", "delivery_failed", "ready_for_pickup", "return_to_sender"}
)
if set(LEG_OF) != set(MILESTONES) or set(STATUS_OF) != set(MILESTONES):
    raise RuntimeError("every milestone needs a leg and a status")


@dataclass(frozen=True)
class PlannedLeg:
    leg: Leg
    carrier: Carrier
    planned_start: datetime
    planned_end: datetime


@dataclass(frozen=True)
class Step:
    """What the fold needs of one timeline entry."""

    occurred_at: datetime
    carrier: Carrier
    kind: str
    status: Status | None
    milestone: Milestone | None
    reason: Reason | None
    delivery_estimate: date | None
    future_dated: bool
    scan_id: str | None
    by_leg: bool = False  # the milestone is the origin side's: `placed` puts it on the current leg


@dataclass(frozen=True)
class Progress:
    """A tracker's state after folding its timeline up to some event."""

    status: Status
    milestone: Milestone
    leg: Leg | None
    carrier: Carrier
    reason: Reason | None
    since: datetime  # event time of the entry that set the current status or milestone
    physically_scanned: bool = False
    carrier_eta: date | None = None
    lateness: timedelta = timedelta(0)
    cause: str | None = None  # scan id of the entry that set the current status or milestone

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def customer_state(self) -> tuple[str, str]:
        return self.status, self.milestone


def starting_progress(at: datetime) -> Progress:
    return Progress(status="pending", milestone="order_created", leg=None, carrier="jv", reason=None, since=at)


def advance(progress: Progress, step: Step, plan: dict[str, PlannedLeg]) -> Progress:
    """The state after one more entry (in event-time order)."""
    if step.future_dated or progress.terminal:
        return progress
    if step.delivery_estimate is not None:
        progress = dataclasses.replace(progress, carrier_eta=step.delivery_estimate)
    if step.kind != "movement" or step.status is None or step.status == "unknown":
        return progress  # ETA-only updates, notices and unmapped codes change no status
    if step.status == "pending" and RANK[progress.milestone] > RANK["label_created"]:
        return progress  # label information after a physical scan (a reprint, a stray 003) moves nothing back
    milestone = next_milestone(progress.milestone, placed(progress.milestone, step.milestone, step.by_leg))
    status = _next_status(milestone, step)
    reason = step.reason if status in EXCEPTIONS else None
    moved = dataclasses.replace(
        progress,
        status=status,
        milestone=milestone,
        leg=LEG_OF[milestone] or progress.leg,
        carrier=step.carrier,
        reason=reason,
        physically_scanned=progress.physically_scanned or _physical(step),
        lateness=_lateness(progress, LEG_OF[milestone], step.occurred_at, plan),
    )
    if moved.customer_state != progress.customer_state or moved.reason != progress.reason:
        moved = dataclasses.replace(moved, since=step.occurred_at, cause=step.scan_id)
    return moved


def placed(current: str, milestone: str | None, by_leg: bool) -> str | None:
    """The milestone of a hub, arrival or departure scan, which says nothing of its leg, by where the parcel is.

    After import clearance it is last mile; while in import customs it stays there; after the linehaul left
    it is on the destination side; before, it is the origin hub. Other scans keep their own milestone, but
    for a delivery on the way back (see `returned`).
    """
    if not by_leg:
        return returned(current, milestone)
    rank = RANK[current]
    if rank >= RANK["import_customs_released"]:
        return "last_mile_in_transit"
    if rank >= RANK["import_customs_in_progress"]:
        return "import_customs_in_progress"
    if rank >= RANK["linehaul_departed"]:
        return "arrived_destination_country"
    return milestone


def returned(current: str, milestone: str | None) -> str | None:
    """A delivery scan on a parcel already returning is the return reaching the sender, not the recipient's
    delivery: UPS reports the end of a return as an ordinary delivery (type D) of the same 1Z."""
    if milestone == "delivered" and current in ("returning", "returned"):
        return "returned"
    return milestone




def _next_status(milestone: str, step: Step) -> Status:
    if step.status in EXCEPTIONS or step.status == "cancelled":
        return step.status
    implied = STATUS_OF[milestone]
    if implied in PROGRESS and step.status in PROGRESS:
        return max(implied, step.status, key=PROGRESS.index)
    return implied


def _physical(step: Step) -> bool:
    return step.carrier != "jv" and step.status not in ("pending", "cancelled")


def _lateness(progress: Progress, leg: Leg | None, at: datetime, plan: dict[str, PlannedLeg]) -> timedelta:
    """How late the current leg runs against the plan (entering a leg late, or still in it after its end)."""
    planned = plan.get(leg) if leg else None
    if planned is None:
        return progress.lateness
    overdue = at - planned.planned_end
    if leg != progress.leg:
        return max(timedelta(0), at - planned.planned_start, overdue)
    return max(progress.lateness, overdue)


def planned_eta(promised: date, lateness: timedelta) -> date:
    """The promised date pushed back by the lateness, in whole days (less than half a day is absorbed)."""
    return promised + timedelta(days=max(0, math.floor(lateness / timedelta(days=1) + 0.5)))


def is_future_dated(occurred_at: datetime, received_at: datetime) -> bool:
    return occurred_at > received_at + FUTURE_TOLERANCE
