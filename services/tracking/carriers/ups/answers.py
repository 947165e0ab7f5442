"""UPS-shaped answers: errors as UPS's `{"response": {"errors": [{code, message}]}}`."""

from __future__ import annotations

from typing import Any

from services.tracking.carriers.refusals import Parsed, refusal_entries

# Our own codes, prefixed so they are never mistaken for UPS's (e.g. TV1002, 250003), which we echo verbatim.
CODES = {400: "PB400", 401: "PB401", 413: "PB413", 422: "PB422", 503: "PB503"}


def accepted(recorded: int, parked: int, parsed: Parsed) -> dict[str, Any]:
    """2xx: what was recorded and parked, each refused activity (index and why), UPS's warnings echoed."""
    answer: dict[str, Any] = {"response": {"status": "accepted", "recorded": recorded, "parked": parked,
                                           "refused": len(parsed.refusals)}}
    if parsed.refusals:
        answer["response"]["refusals"] = refusal_entries(parsed.refusals)
    if parsed.warnings:
        answer["warnings"] = [{"code": w.code, "message": w.message} for w in parsed.warnings]
    return answer


def refused(status: int, message: str, parsed: Parsed | None = None) -> dict[str, Any]:
    """4xx/5xx: our code and message first, then UPS's own errors, verbatim, when the body was UPS's error."""
    errors = [{"code": CODES.get(status, "PB500"), "message": message}]
    errors += [{"code": e.code, "message": e.message} for e in (parsed.errors if parsed else [])]
    return {"response": {"errors": errors}}
