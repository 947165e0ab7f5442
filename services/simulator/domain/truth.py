"""The ground truth of a journey: where the parcel must end up, in the normalized model of carriers.md §1.

Worked out from the simulator's own reading of its codes (codes.Intent), never from the tracking
service's tables, so a test comparing the two checks the tracking service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.simulator.domain.codes import SfCode
from services.simulator.domain.scenario import End, Journey, PlannedEvent
from shared.events.schemas.vocabulary import Milestone, Reason, Status, next_milestone

EXCEPTIONS = frozenset({"on_hold", "delivery_delayed", "delivery_failed", "ready_for_pickup", "return_to_sender"})
# How the orders API shows a parcel's final status (its documented order statuses).
ORDER_STATUS: dict[str, str] = {
    "delivered": "delivered", "return_to_sender": "returned", "ready_for_pickup": "in_transit",
    "out_for_delivery": "in_transit", "in_transit": "in_transit", "on_hold": "exception",
    "delivery_failed": "exception",
}


@dataclass(frozen=True)
class Expected:
    end: End
    status: Status
    milestone: Milestone
    reason: Reason | None
    order_status: str


@dataclass(frozen=True)
class ScanKey:
    """What makes a scan distinct: the same four values twice are one scan."""

    carrier: str
    number: str
    code: str
    carrier_at: datetime

    def as_text(self) -> str:
        return f"{self.carrier}|{self.number}|{self.code}|{self.carrier_at.isoformat()}"


def expected(journey: Journey) -> Expected:
    """The tracker's final status, milestone and reason once every event was applied in time order."""
    status, milestone, reason = "pending", "label_created", None
    for event in journey.events:
        intent = event.step.intent
        if intent.status == "unknown":
            continue  # an unmapped code changes nothing
        milestone = next_milestone(milestone, intent.milestone)
        status = intent.status
        reason = intent.reason if status in EXCEPTIONS else None
    return Expected(journey.plot.end, status, milestone, reason, ORDER_STATUS[status])




def scan_keys(journey: Journey, stamps: Sequence[datetime]) -> list[ScanKey]:
    """The scan key of each event, given each event's carrier timestamp (resent events share their key)."""
    return [ScanKey(event.step.carrier, journey.number(event), event_code(event), at)
            for event, at in zip(journey.events, stamps, strict=True)]


def event_code(event: PlannedEvent) -> str:
    """The code that names the event: SF's opCode, UPS's activity type and code."""
    code = event.step.code
    return code.op_code if isinstance(code, SfCode) else f"{code.type}:{code.code}"
