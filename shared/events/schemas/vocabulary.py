"""The closed lists the services share: the tracking model (the handbook's carriers.md §1) and the order's
service and customs terms. Every service types its fields with these, so a list changes in one place."""

from __future__ import annotations

from typing import Literal, get_args

Status = Literal[
    "pending", "picked_up", "in_transit", "out_for_delivery", "delivered", "ready_for_pickup",
    "delivery_failed", "on_hold", "delivery_delayed", "return_to_sender", "cancelled", "unknown",
]
Milestone = Literal[
    "order_created", "label_created", "first_mile_picked_up", "origin_hub_processed",
    "export_customs_in_progress", "export_customs_cleared", "linehaul_departed",
    "arrived_destination_country", "import_customs_in_progress", "import_customs_released",
    "last_mile_in_transit", "out_for_delivery", "delivery_attempted", "delivered", "returning", "returned",
]
Leg = Literal["first_mile", "export_customs", "air_linehaul", "import_customs", "last_mile"]
Carrier = Literal["sf_express", "ups", "jv"]
Reason = Literal[
    "customs_delay", "customs_documentation", "customs_duties_unpaid", "customs_inspection",
    "customs_prohibited", "consignee_not_available", "consignee_refused", "address_issue",
    "carrier_delay", "weather_delay", "security_issue", "regulatory_hold", "unknown",
]

ServiceLevel = Literal["standard", "express"]
Incoterm = Literal["DDP", "DAP"]
# China export customs declaration modes: 9610 B2C cross-border e-commerce, 9710/9810 B2B.
ExportMode = Literal["9610", "9710", "9810"]
# US CBP entry type: 11 informal (under USD 2,500), 01 formal.
EntryType = Literal["11", "01"]
DutyPayer = Literal["shipper", "recipient"]

# Milestones in the order a parcel reaches them: the tracking service keeps a tracker's milestone from moving
# back, and the simulator's ground truth expects the same, so the order and the rule are part of the model.
MILESTONES: tuple[str, ...] = get_args(Milestone)
MILESTONE_RANK = {milestone: index for index, milestone in enumerate(MILESTONES)}


def next_milestone(current: str, reached: str | None) -> str:
    """Milestones only move forward; a new delivery round after a failed attempt is the one step back."""
    if reached is None:
        return current
    if current == "delivery_attempted" and reached == "out_for_delivery":
        return reached
    return reached if MILESTONE_RANK[reached] >= MILESTONE_RANK[current] else current
