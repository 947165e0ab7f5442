"""The carrier events the simulator can play: each carrier's raw codes and what they mean (carriers.md §2-4).

`Intent` is what the event means in the normalized model, as the simulator understands the carriers —
kept as data so the ground truth never depends on the tracking service's own tables.
"""
# ruff: noqa: RUF001 -- SF writes its Chinese remarks with full-width punctuation, as copied here.

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.events.schemas.vocabulary import Milestone, Reason, Status

CarrierName = Literal["sf_express", "ups"]


@dataclass(frozen=True)
class Intent:
    status: Status
    milestone: Milestone | None
    reason: Reason | None = None


@dataclass(frozen=True)
class SfCode:
    op_code: str
    remark: str  # may name {place}
    first_status: str | None = None
    secondary_status: str | None = None
    reason_code: str | None = None
    reason_name: str | None = None


@dataclass(frozen=True)
class UpsCode:
    type: str
    code: str
    description: str
    status_code: str | None = None


@dataclass(frozen=True)
class Step:
    name: str
    carrier: CarrierName
    code: SfCode | UpsCode
    intent: Intent


SF_STATUS_NAMES = {"1": "已揽收", "2": "运送中", "3": "派送中", "4": "已签收"}
SF_SECONDARY_NAMES = {"101": "已揽收", "201": "运送中", "204": "清关中", "205": "已清关", "301": "派送中",
                      "401": "已签收"}
MOVING = Intent("in_transit", None)
IN_HUB = Intent("in_transit", "origin_hub_processed")
IMPORT = "import_customs_in_progress"
RELEASED = Intent("in_transit", "import_customs_released")
OUT = Intent("out_for_delivery", "out_for_delivery")


def _sf(name: str, op: str, remark: str, intent: Intent, first: str | None = "2", second: str | None = "201") -> Step:
    return Step(name, "sf_express", SfCode(op, remark, first, second), intent)


def _ups(name: str, kind: str, code: str, text: str, intent: Intent, status_code: str | None = None) -> Step:
    return Step(name, "ups", UpsCode(kind, code, text, status_code), intent)


STEPS: dict[str, Step] = {step.name: step for step in (
    _sf("pickup", "50", "顺丰速运 已收取快件", Intent("picked_up", "first_mile_picked_up"), "1", "101"),
    _sf("sorted", "30", "快件在【{place}】完成分拣，准备发往下一站", IN_HUB),
    _sf("departed_hub", "36", "快件已从【{place}】发出", IN_HUB),
    _sf("arrived_gateway", "31", "快件到达【{place}】", IN_HUB),
    _sf("export_declared", "605", "快件已提交海关出口申报（9610 跨境电商零售）",
        Intent("in_transit", "export_customs_in_progress"), "2", "204"),
    _sf("export_cleared", "605", "海关已放行，快件准备出口", Intent("in_transit", "export_customs_cleared"),
        "2", "205"),
    _sf("flight_departed", "105", "航班已起飞，快件离开【{place}】", Intent("in_transit", "linehaul_departed")),
    _sf("sf_unmapped", "648", "快件信息已更新", Intent("unknown", None), None, None),
    _ups("export_scan", "I", "EP", "Export Scan", Intent("in_transit", "linehaul_departed")),
    _ups("arrived_us", "I", "AR", "Arrived at Facility", Intent("in_transit", "arrived_destination_country")),
    _ups("import_scan", "I", "IP", "Import Scan", Intent("in_transit", "arrived_destination_country")),
    _ups("entry_filed", "I", "70", "Your package is in the clearance process. CBP entry filed.",
         Intent("in_transit", IMPORT), "012"),
    _ups("duties_due", "X", "1C", "Import charges are due. The receiver must pay them before delivery.",
         Intent("on_hold", IMPORT, "customs_duties_unpaid")),
    _ups("duties_due_7f", "X", "7F", "Import charges due. Pay online to release your package.",
         Intent("on_hold", IMPORT, "customs_duties_unpaid")),
    _ups("duties_paid", "I", "BN", "Import charges paid. Your package has cleared customs.", RELEASED, "084"),
    _ups("released", "I", "DA", "Released by clearing agency. Now in transit for delivery.", RELEASED, "014"),
    _ups("departed_gateway", "I", "DP", "Departed from Facility", Intent("in_transit", "last_mile_in_transit")),
    _ups("destination_scan", "I", "DS", "Destination Scan", Intent("in_transit", "last_mile_in_transit")),
    _ups("preparing", "I", "YP", "Processing at UPS Facility", Intent("in_transit", "last_mile_in_transit"), "071"),
    _ups("loaded", "I", "OD", "Loaded on Delivery Vehicle", OUT, "072"),
    _ups("out_for_delivery", "I", "OT", "Out For Delivery Today", OUT),
    _ups("delivered", "D", "FS", "Delivered", Intent("delivered", "delivered"), "011"),
    _ups("attempt_failed", "X", "NH", "The receiver was not available for delivery. We'll make a second attempt "
         "the next business day.", Intent("delivery_failed", "delivery_attempted", "consignee_not_available"), "022"),
    _ups("refused", "X", "RF", "The receiver refused the delivery.",
         Intent("delivery_failed", "delivery_attempted", "consignee_refused"), "064"),
    _ups("held_for_pickup", "X", "AP", "Delivered to UPS Access Point™. The package is awaiting customer pickup.",
         Intent("ready_for_pickup", None), "161"),
    _ups("held_at_facility", "X", "HP", "The package is being held at a UPS facility for customer pickup.",
         Intent("ready_for_pickup", None), "040"),
    _ups("returning", "X", "RS", "Returning to sender: the receiver refused the package.",
         Intent("return_to_sender", "returning"), "033"),
    _ups("duties_refused", "X", "RS", "The receiver refused to pay the import charges. Returning to sender.",
         Intent("return_to_sender", "returning"), "034"),
    _ups("ups_unmapped", "I", "ZW", "Package information updated", Intent("unknown", None)),
)}


@dataclass(frozen=True)
class HoldReason:
    reason: Reason
    sf_reason: tuple[str, str] | None  # (reasonCode, reasonName) SF prints on an export hold
    ups: UpsCode | None  # the UPS exception of an import hold


EXPORT_HOLDS: tuple[HoldReason, ...] = (
    HoldReason("customs_inspection", ("HG31", "海关查验"), None),
    HoldReason("customs_documentation", ("HG32", "申报资料待补充"), None),
    HoldReason("customs_delay", ("HG33", "海关布控，延误放行"), None),
)
IMPORT_HOLDS: tuple[HoldReason, ...] = (
    HoldReason("customs_documentation", None, UpsCode(
        "X", "CP", "Clearance information required: the commercial invoice is incomplete.", "058")),
    HoldReason("customs_inspection", None, UpsCode("X", "L4", "Your package requires a customs inspection.")),
    HoldReason("regulatory_hold", None, UpsCode(
        "X", "B2", "Pending release from a government agency (FDA).", "126")),
    HoldReason("customs_delay", None, UpsCode("X", "B2", "Pending release from a non-UPS broker.", "123")),
)


def export_hold_step(hold: HoldReason) -> Step:
    """SF reports an export hold on a customs route (605) with its own reason code and name."""
    code, name = hold.sf_reason or ("HG33", "海关延误")
    return Step("export_hold", "sf_express", SfCode("605", f"海关暂扣：{name}", "2", "204", code, name),
                Intent("on_hold", "export_customs_in_progress", hold.reason))


def import_hold_step(hold: HoldReason) -> Step:
    if hold.ups is None:
        raise ValueError(f"{hold.reason}: an import hold needs a UPS exception code")
    return Step("import_hold", "ups", hold.ups, Intent("on_hold", IMPORT, hold.reason))
