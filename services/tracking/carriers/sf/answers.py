"""What SF expects back from a route-push receiver: `return_code` `0000` on success, anything else fails."""

from __future__ import annotations

from typing import Any

from services.tracking.carriers.refusals import Parsed, refusal_entries

SUCCESS = {"return_code": "0000", "return_msg": "成功"}
# Our failure codes (SF only checks for 0000); SF retries a failed push up to three times.
CODES = {400: "4000", 401: "4001", 413: "4013", 422: "4022", 503: "1000"}


def accepted(recorded: int, parked: int, parsed: Parsed) -> dict[str, Any]:
    """Success, with the routes we refused (index and why) beside it: SF reads only `return_code`."""
    if not parsed.refusals:
        return dict(SUCCESS)
    return {**SUCCESS, "refused": len(parsed.refusals), "refusals": refusal_entries(parsed.refusals)}


def refused(status: int, message: str, parsed: Parsed | None = None) -> dict[str, Any]:
    """A failure; when the body was SF's own failed answer, its errorCode and message echoed."""
    answer: dict[str, Any] = {"return_code": CODES.get(status, "1000"), "return_msg": message}
    if parsed and parsed.errors:
        answer["carrier_error"] = {"code": parsed.errors[0].code, "message": parsed.errors[0].message}
    return answer
