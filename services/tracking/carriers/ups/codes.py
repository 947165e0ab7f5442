"""UPS codes -> our model, as data (carriers.md §2).

Looked up in this order: the 3-digit `statusCode` (preferred when present), then activity type + 2-letter
code (`I:OT`), then the type alone only for `U` (a delivery-date update, which changes no status).
Never the type alone otherwise: `I` is "in transit" *and* "out for delivery" (`I:OD`, `I:OF`, `I:OT`), and
an `X` whose code is a customs release (`X:DA`, `X:BN`) moves the parcel on — it is not a hold. The vague
statusCodes (the "on the way" group, 013/029 "exception") are `generic`: a specific type+code wins.
"""

from __future__ import annotations

from services.tracking.carriers.mapping import FieldTable
from services.tracking.domain.scan import Mapping

MOVING = Mapping("in_transit", None, generic=True)
OUT_FOR_DELIVERY = Mapping("out_for_delivery", "out_for_delivery")
IMPORT = "import_customs_in_progress"
RELEASED = Mapping("in_transit", "import_customs_released")
ATTEMPT = Mapping("delivery_failed", "delivery_attempted", "consignee_not_available")
RETURNING = Mapping("return_to_sender", "returning")
DELAY = Mapping("delivery_delayed", None, "carrier_delay")
READY = Mapping("ready_for_pickup", None)
ETA_ONLY = Mapping(None, kind="eta_update")


def _same(codes: str, meaning: Mapping) -> dict[str, Mapping]:
    return dict.fromkeys(codes.split(), meaning)


STATUS_CODE: dict[str, Mapping] = {
    "003": Mapping("pending", "label_created"),
    **_same("038 160", Mapping("picked_up", "first_mile_picked_up")),
    **_same("005 010 025 039 047 087 158 159 164 165", MOVING),
    "071": Mapping("in_transit", "last_mile_in_transit"),
    **_same("072 006 021 037 089 091 146 162", OUT_FOR_DELIVERY),
    "011": Mapping("delivered", "delivered"),
    **_same("012 092", Mapping("in_transit", IMPORT)),
    **_same("014 084 134", RELEASED),
    **_same("058 124 125", Mapping("on_hold", IMPORT, "customs_documentation")),
    "123": Mapping("on_hold", IMPORT, "customs_delay"),
    "126": Mapping("on_hold", IMPORT, "regulatory_hold"),
    **_same("013 029", Mapping("on_hold", None, "unknown", generic=True)),
    **_same("017 040 161", READY),
    **_same("022 023 024 060 061 062 145", ATTEMPT),
    "064": Mapping("delivery_failed", "delivery_attempted", "consignee_refused"),
    **_same("033 034 035 036 118 119", RETURNING),
    **_same("046 048 086 090", DELAY),
    **_same("051 052 053", Mapping("delivery_delayed", None, "weather_delay")),
    "132": Mapping("delivery_delayed", None, "security_issue"),
    **_same("147 149", Mapping("on_hold", IMPORT, "customs_prohibited")),
    **_same("153 154", ETA_ONLY),
    "007": Mapping(None, kind="notice"),  # label voided: recorded, changes nothing (a new label may follow)
}


def _typed(types: str, codes: str, meaning: Mapping) -> dict[str, Mapping]:
    return {f"{t}:{c}": meaning for t in types.split() for c in codes.split()}


TYPE_AND_CODE: dict[str, Mapping] = {
    "M:MP": Mapping("pending", "label_created"),
    "MV:VP": Mapping(None, kind="notice"),
    **_typed("P I", "OR", Mapping("in_transit", "origin_hub_processed")),
    **_typed("P I", "PU PC PT XD", Mapping("picked_up", "first_mile_picked_up")),
    **_typed("I", "AT EP", Mapping("in_transit", "linehaul_departed")),
    **_typed("I", "IP AR", Mapping("in_transit", "arrived_destination_country")),
    **_typed("I", "DP HU UL WH", MOVING),
    **_typed("I", "DS YP", Mapping("in_transit", "last_mile_in_transit")),
    **_typed("I", "OD OF OT", OUT_FOR_DELIVERY),  # the trap: type I, yet out for delivery
    **_typed("D", "FS F4 KB", Mapping("delivered", "delivered")),
    **_typed("I X", "DA BN", RELEASED),  # the trap: an X that releases is not a hold
    **_typed("I X", "1C 7F", Mapping("on_hold", IMPORT, "customs_duties_unpaid")),
    **_typed("I X", "CN", Mapping("on_hold", "export_customs_in_progress", "customs_delay")),
    **_typed("I X", "CP B2", Mapping("on_hold", IMPORT, "customs_delay")),
    **_typed("I X", "L4", Mapping("on_hold", IMPORT, "customs_inspection")),
    **_typed("I X", "ST", Mapping("on_hold", IMPORT, "customs_prohibited")),
    "I:70": Mapping("in_transit", IMPORT),
    "X:70": Mapping("on_hold", IMPORT, "customs_delay"),
}

TYPE_ONLY: dict[str, Mapping] = {"U": ETA_ONLY}  # Track Alert: updated delivery date/time only

TABLES: tuple[FieldTable, ...] = (
    ("statusCode", STATUS_CODE),
    ("type:code", TYPE_AND_CODE),
    ("type", TYPE_ONLY),
)
