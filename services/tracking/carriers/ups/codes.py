"""UPS codes -> our model, as data (carriers.md §2), and the one rule that picks among an activity's codes.

The activity's (type, code) decides the class. The 3-digit `statusCode` only refines it when both name the
same status (e.g. `X:B2` with `126` is a hold for a government agency, not any customs delay): real payloads
carry `003` "ready for UPS" on exception, transit and even delivered activities. With no mapped
(type, code), the statusCode decides only if its status fits the activity type (`TYPE_STATUSES`). The type
alone decides only for `U` (a delivery-date update). Never the type alone otherwise: `I` is "in transit"
*and* "out for delivery" (`I:OD`, `I:OF`, `I:OT`), and an `X` whose code is a customs release (`X:DA`,
`X:BN`) moves the parcel on — it is not a hold. `by_leg` rows (arrival, departure, hub) say nothing of the
leg: the tracker places them where the parcel already is.
"""

from __future__ import annotations

from services.tracking.domain.scan import UNMAPPED, Mapping

MOVING = Mapping("in_transit", None, generic=True)
AT_FACILITY = Mapping("in_transit", "origin_hub_processed", by_leg=True)
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
    "I:IP": Mapping("in_transit", "arrived_destination_country"),
    **_typed("I", "AR DP HU UL WH", AT_FACILITY),
    **_typed("I", "DS YP", Mapping("in_transit", "last_mile_in_transit")),
    **_typed("I", "OD OF OT", OUT_FOR_DELIVERY),  # the trap: type I, yet out for delivery
    **_typed("D", "FS F4 KB", Mapping("delivered", "delivered")),
    # The trap: an X that releases is not a hold. SR: the Track API reference's own sample, type X, code SR,
    # "Your package was released by the customs agency." (with statusCode 003).
    **_typed("I X", "DA BN SR", RELEASED),
    **_typed("I X", "1C 7F", Mapping("on_hold", IMPORT, "customs_duties_unpaid")),
    **_typed("I X", "CN", Mapping("on_hold", "export_customs_in_progress", "customs_delay")),
    **_typed("I X", "CP B2", Mapping("on_hold", IMPORT, "customs_delay")),
    **_typed("I X", "L4", Mapping("on_hold", IMPORT, "customs_inspection")),
    **_typed("I X", "ST", Mapping("on_hold", IMPORT, "customs_prohibited")),
    "I:70": Mapping("in_transit", IMPORT),
    "X:70": Mapping("on_hold", IMPORT, "customs_delay"),
}

TYPE_ONLY: dict[str, Mapping] = {"U": ETA_ONLY}  # Track Alert: updated delivery date/time only

# The statuses a statusCode may give an activity whose (type, code) is not mapped, by activity type.
TYPE_STATUSES: dict[str, frozenset[str]] = {
    "M": frozenset({"pending"}),
    "P": frozenset({"picked_up", "in_transit"}),
    "I": frozenset({"picked_up", "in_transit", "out_for_delivery", "delivery_delayed"}),
    "X": frozenset({"on_hold", "delivery_failed", "delivery_delayed", "ready_for_pickup", "return_to_sender",
                    "in_transit"}),  # in_transit: a customs release reported as an exception
    "D": frozenset({"delivered", "ready_for_pickup"}),  # 161: delivered to a UPS Access Point
}


def classify(kind: str, code: str, status_code: str) -> tuple[Mapping, str | None]:
    """The meaning of one activity's codes, and the field that decided it (None: unmapped)."""
    by_pair = TYPE_AND_CODE.get(f"{kind}:{code}")
    by_number = STATUS_CODE.get(status_code)
    if by_pair is not None:
        if by_number is not None and by_number.status == by_pair.status and not by_number.generic:
            return _refined(by_pair, by_number), "statusCode"
        return by_pair, "type:code"
    if by_number is not None and (not kind or by_number.status is None  # an ETA or notice contradicts no class
                                  or by_number.status in TYPE_STATUSES.get(kind, frozenset())):
        return by_number, "statusCode"
    if kind in TYPE_ONLY:
        return TYPE_ONLY[kind], "type"
    return UNMAPPED, None


def _refined(by_pair: Mapping, by_number: Mapping) -> Mapping:
    """The statusCode's finer reason (or a milestone the pair lacks) on the pair's class and milestone."""
    if by_pair.by_leg:
        return by_pair
    return Mapping(by_pair.status, by_pair.milestone or by_number.milestone, by_number.reason or by_pair.reason,
                   by_pair.kind)
