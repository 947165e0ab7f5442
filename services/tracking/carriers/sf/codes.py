"""SF Express codes -> our model, as data, one table per field (carriers.md §3).

Looked up in this order: `secondaryStatusCode` (current responses; most precise), then `opCode` (route
pushes carry only this; no official public table exists, see the confidence notes), then `firstStatusCode`.
`204` means customs-in-progress as a secondaryStatusCode but out-for-delivery as an opCode: each table is
keyed by its own field, never merged. Facility scans (sorted, arrived, departed, and the generic `201`)
are `by_leg`: the tracker places them where the parcel already is — after the flight scan they are on the
destination side, not at the origin hub.
"""

from __future__ import annotations

from services.tracking.carriers.mapping import FieldTable
from services.tracking.domain.scan import Mapping

IN_FACILITY = Mapping("in_transit", "origin_hub_processed", by_leg=True)

SECONDARY_STATUS: dict[str, Mapping] = {
    "101": Mapping("picked_up", "first_mile_picked_up"),
    # A specific opCode (105, 106...) wins over the generic 201.
    "201": Mapping("in_transit", "origin_hub_processed", generic=True, by_leg=True),
    "204": Mapping("in_transit", "export_customs_in_progress"),  # SF clears China export for the lane
    "205": Mapping("in_transit", "export_customs_cleared"),
    "301": Mapping("out_for_delivery", "out_for_delivery"),
    "401": Mapping("delivered", "delivered"),
}

OP_CODE: dict[str, Mapping] = {
    "50": Mapping("picked_up", "first_mile_picked_up"),  # [high]
    "54": Mapping("picked_up", "first_mile_picked_up"),  # [high]
    "30": IN_FACILITY,  # sorted at facility [high]
    "31": IN_FACILITY,  # arrived at facility [high]
    "36": IN_FACILITY,  # departed facility [high]
    "310": IN_FACILITY,  # arrived [med]
    "501": IN_FACILITY,  # in transit [med]
    "407": IN_FACILITY,  # dispatched towards [med]
    # customs clearance in progress [high]; with a reason it is an export hold (see holds.py)
    "605": Mapping("in_transit", "export_customs_in_progress"),
    "105": Mapping("in_transit", "linehaul_departed"),  # flight departed [high]
    "106": Mapping("in_transit", "arrived_destination_country"),  # arrived in destination country [med]
    "130": Mapping("in_transit", "last_mile_in_transit"),  # arrived at delivery outlet [med]
    "44": Mapping("in_transit", "last_mile_in_transit"),  # assigning courier [high]
    "204": Mapping("out_for_delivery", "out_for_delivery"),  # out for delivery [high]
    "80": Mapping("delivered", "delivered"),  # delivered / signed [high]
    "631": Mapping("return_to_sender", "returned"),  # returned [med]: the return reached the sender
}

FIRST_STATUS: dict[str, Mapping] = {
    "1": Mapping("picked_up", "first_mile_picked_up", generic=True),
    "2": Mapping("in_transit", None, generic=True),
    "3": Mapping("out_for_delivery", "out_for_delivery", generic=True),
    "4": Mapping("delivered", "delivered", generic=True),
}

TABLES: tuple[FieldTable, ...] = (
    ("secondaryStatusCode", SECONDARY_STATUS),
    ("opCode", OP_CODE),
    ("firstStatusCode", FIRST_STATUS),
)
