"""The Tracker aggregate: one parcel's timeline across both carriers, and what the customer sees of it.

Every state-changing method records, in `events`, the domain events to publish with the same write.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.tracking.domain import rules
from services.tracking.domain.rules import PlannedLeg, Progress, Step
from services.tracking.domain.scan import CanonicalScan, Location, scan_id
from shared.errors import BusinessRuleViolation

DomainEvent = tuple[str, dict[str, Any]]  # (short event type, data)
# A tracker document embeds its timeline. Past this many entries the oldest are folded into `base` and
# dropped (a parcel has 20-40 real scans; this bounds a document hit by a runaway carrier feed). A scan
# older than the oldest kept entry is then ignored, counted in `omitted`.
MAX_TIMELINE = 500


class TrackerNotFound(BusinessRuleViolation):
    """No tracker for this shipment (scans are only recorded for numbers that resolved to one)."""


@dataclass(frozen=True)
class Recipient:
    """What the customer view may show of the recipient (already reduced to initials and city)."""

    initials: str | None
    city: str | None
    region: str | None


@dataclass(frozen=True)
class Entry:
    """One timeline entry: a canonical scan as applied, with the tracker's own flags."""

    scan: CanonicalScan
    seq: int  # arrival order: breaks ties between scans of the same second
    future_dated: bool = False

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return self.scan.occurred_at, self.seq

    def step(self) -> Step:
        s = self.scan
        return Step(s.occurred_at, s.carrier, s.kind, s.status, s.milestone, s.reason, s.delivery_estimate,
                    self.future_dated, s.scan_id, s.by_leg)


@dataclass
class Tracker:
    shipment_id: str
    order_id: str
    shipper_id: str
    sf_waybill: str
    ups_tracking_number: str
    promised_delivery_date: date
    plan: list[PlannedLeg]
    recipient: Recipient
    created_at: datetime
    updated_at: datetime
    base: Progress
    timeline: list[Entry] = field(default_factory=list)
    progress: Progress | None = None
    omitted: int = 0
    next_seq: int = 0
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)
    # The last carrier event time the store held when this tracker was loaded (None: new): the write's hook
    # replaces the tracker's reconciliation key with it instead of leaving the old one behind.
    stored_quiet_since: datetime | None = field(default=None, repr=False, compare=False)

    @classmethod
    def open(cls, shipment_id: str, order_id: str, shipper_id: str, sf_waybill: str, ups_tracking_number: str,
             promised: date, plan: list[PlannedLeg], recipient: Recipient, booked_at: datetime,
             now: datetime) -> Tracker:
        """A new tracker: pending, with the order and label milestones of the booking."""
        tracker = cls(shipment_id, order_id, shipper_id, sf_waybill, ups_tracking_number, promised, plan,
                      recipient, created_at=now, updated_at=now, base=rules.starting_progress(booked_at))
        for code, milestone in (("order_created", "order_created"), ("label_created", "label_created")):
            tracker._insert(_jv_scan(shipment_id, code, booked_at, "pending", milestone), future_dated=False)
        tracker.progress = tracker.replay()
        return tracker

    @property
    def numbers(self) -> tuple[str, str, str]:
        return self.shipment_id, self.sf_waybill, self.ups_tracking_number

    @property
    def state(self) -> Progress:
        return self.progress or self.replay()

    @property
    def estimated_delivery(self) -> tuple[date | None, str | None]:
        """(date, source): the carrier's latest date, else the promise pushed back by the lateness so far."""
        state = self.state
        if state.terminal:
            return None, None
        if state.carrier_eta:
            return state.carrier_eta, "carrier"
        late = rules.planned_eta(self.promised_delivery_date, state.lateness)
        return late, "plan" if late == self.promised_delivery_date else "plan_revised"

    @property
    def last_carrier_event_at(self) -> datetime:
        """When a carrier last reported this parcel (its booking when none has): the poller's quiet clock."""
        times = [e.scan.occurred_at for e in self.timeline if e.scan.carrier != "jv" and not e.future_dated]
        return max(times, default=self.base.since if self.omitted else self._booked_at())

    def _booked_at(self) -> datetime:
        return min((e.scan.occurred_at for e in self.timeline), default=self.created_at)

    def knows(self, scan_id: str) -> bool:
        return any(entry.scan.scan_id == scan_id for entry in self.timeline)

    def record(self, scan: CanonicalScan, received_at: datetime, now: datetime) -> bool:
        """Add a scan to the timeline; False if it was known or too old to keep. Emits on a status change."""
        if self.knows(scan.scan_id):
            return False
        if self.omitted and self.timeline and scan.occurred_at < self.timeline[0].scan.occurred_at:
            self.omitted += 1
            return False
        self._change(lambda: self._insert(scan, rules.is_future_dated(scan.occurred_at, received_at)), now)
        return True

    def cancel(self, cancelled_at: datetime, now: datetime) -> None:
        """The shipment was cancelled: terminal from that moment on (a second cancel changes nothing)."""
        scan = _jv_scan(self.shipment_id, "cancelled", cancelled_at, "cancelled", None)
        if not self.knows(scan.scan_id):
            self._change(lambda: self._insert(scan, future_dated=False), now)

    def replay(self) -> Progress:
        """Fold the timeline, in event-time order, over the state of the entries dropped before it."""
        plan = {leg.leg: leg for leg in self.plan}
        progress = self.base
        for entry in self.timeline:
            progress = rules.advance(progress, entry.step(), plan)
        return progress

    def placed_milestones(self) -> dict[int, str | None]:
        """Each entry's milestone (by seq), a by-leg scan's as the fold placed it where the parcel then was."""
        plan = {leg.leg: leg for leg in self.plan}
        progress, placed = self.base, {}
        for entry in self.timeline:
            placed[entry.seq] = rules.placed(progress.milestone, entry.scan.milestone, entry.scan.by_leg)
            progress = rules.advance(progress, entry.step(), plan)
        return placed

    def _change(self, insert, now: datetime) -> None:
        before = self.state
        insert()
        trimmed = self._trim()
        last = self.timeline[-1]
        if not trimmed and last.seq == self.next_seq - 1:
            # The new entry sorts last (the usual in-order scan): folding it onto the state before is the
            # same as refolding the whole timeline, at a fraction of the cost.
            after = rules.advance(before, last.step(), {leg.leg: leg for leg in self.plan})
        else:
            after = self.replay()
        self.progress = after
        self.updated_at = now
        if after.customer_state != before.customer_state or after.reason != before.reason:
            self.events.append(("tracking.status_changed", self._status_changed(before, after)))

    def _insert(self, scan: CanonicalScan, future_dated: bool) -> None:
        self.timeline.append(Entry(scan, self.next_seq, future_dated))
        self.next_seq += 1
        self.timeline.sort(key=lambda entry: entry.sort_key)

    def _trim(self) -> bool:
        """Fold the oldest entries past MAX_TIMELINE into `base`; True if any were."""
        excess = len(self.timeline) - MAX_TIMELINE
        if excess <= 0:
            return False
        plan = {leg.leg: leg for leg in self.plan}
        for entry in self.timeline[:excess]:
            self.base = rules.advance(self.base, entry.step(), plan)
        self.timeline = self.timeline[excess:]
        self.omitted += excess
        return True

    def _status_changed(self, before: Progress, after: Progress) -> dict[str, Any]:
        eta, _source = self.estimated_delivery
        return {
            "shipment_id": self.shipment_id, "order_id": self.order_id, "shipper_id": self.shipper_id,
            "status": after.status, "milestone": after.milestone, "previous_status": before.status,
            "previous_milestone": before.milestone, "leg": after.leg, "carrier": after.carrier,
            "reason": after.reason, "occurred_at": after.since.isoformat(),
            "physically_scanned": after.physically_scanned,
            "estimated_delivery": eta.isoformat() if eta else None, "scan_id": after.cause,
        }


def _jv_scan(shipment_id: str, code: str, at: datetime, status: str, milestone: str | None) -> CanonicalScan:
    """An entry the joint venture itself adds to the timeline (booking, cancellation)."""
    return CanonicalScan(
        scan_id=scan_id("jv", shipment_id, code, at), carrier="jv", carrier_number=shipment_id, occurred_at=at,
        status=status, milestone=milestone, leg=None, location=Location(), raw_codes={"event": code},
        mapped_from="event", shipment_id=shipment_id,
    )


def with_progress(tracker: Tracker) -> Tracker:
    """The tracker with its derived state computed (after loading it from storage)."""
    return dataclasses.replace(tracker, progress=tracker.replay())
