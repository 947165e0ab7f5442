"""SF export holds: a customs route (opCode 605) that carries a reason is a hold, not progress (carriers.md §3).

SF's route push carries `reasonCode`/`reasonName` beside the opCode; no official public table of the reasons
exists, so a hold is recognised by a reason being present on a 605 that is not a clearance (secondary 205),
and its meaning is taken from the code when we know it, else from words of the (Chinese) reason name, else
`unknown` — the hold itself is never lost for want of a reason.
"""

from __future__ import annotations

from collections.abc import Mapping as Fields

from services.tracking.domain.scan import Mapping
from shared.events.schemas.vocabulary import Reason

CUSTOMS_ROUTE = "605"
CLEARED = "205"  # secondaryStatusCode: the route reports a release, whatever reason text rides along

# The reason codes SF has been seen to print on export holds (also what our carrier simulator sends).
REASON_CODES: dict[str, Reason] = {
    "HG31": "customs_inspection",
    "HG32": "customs_documentation",
    "HG33": "customs_delay",
}
# Words of a reason name, most specific first: "查验" (inspection) before the generic "扣" (held).
REASON_WORDS: tuple[tuple[str, Reason], ...] = (
    ("查验", "customs_inspection"),
    ("资料", "customs_documentation"),
    ("单证", "customs_documentation"),
    ("禁", "customs_prohibited"),
    ("违规", "customs_prohibited"),
    ("税", "customs_duties_unpaid"),
    ("布控", "customs_delay"),
    ("延误", "customs_delay"),
    ("扣", "customs_delay"),
)


def export_hold(codes: Fields[str, str], reason_code: str, reason_name: str) -> Mapping | None:
    """The on_hold meaning of a 605 route that names a reason; None for any other route."""
    if codes.get("opCode") != CUSTOMS_ROUTE or codes.get("secondaryStatusCode") == CLEARED:
        return None
    if not reason_code and not reason_name:
        return None
    return Mapping("on_hold", "export_customs_in_progress", hold_reason(reason_code, reason_name))


def hold_reason(reason_code: str, reason_name: str) -> Reason:
    """Our reason for SF's (reasonCode, reasonName): by code, else by the name's words, else `unknown`."""
    if reason_code in REASON_CODES:
        return REASON_CODES[reason_code]
    return next((reason for word, reason in REASON_WORDS if word in reason_name), "unknown")
