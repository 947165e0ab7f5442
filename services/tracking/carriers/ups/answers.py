"""UPS-shaped answers: errors as UPS's `{"response": {"errors": [{code, message}]}}`."""

from __future__ import annotations

from typing import Any

# Our own codes, prefixed so they are never mistaken for UPS's (e.g. TV1002, 250003).
CODES = {400: "PB400", 401: "PB401", 413: "PB413", 503: "PB503"}


def accepted(recorded: int, parked: int) -> dict[str, Any]:
    return {"response": {"status": "accepted", "recorded": recorded, "parked": parked}}


def refused(status: int, message: str) -> dict[str, Any]:
    return {"response": {"errors": [{"code": CODES.get(status, "PB500"), "message": message}]}}
