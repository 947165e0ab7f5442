"""What SF expects back from a route-push receiver: `return_code` `0000` on success, anything else fails."""

from __future__ import annotations

from typing import Any

SUCCESS = {"return_code": "0000", "return_msg": "成功"}
# Our failure codes (SF only checks for 0000); SF retries a failed push up to three times.
CODES = {400: "4000", 401: "4001", 413: "4013", 503: "1000"}


def accepted(recorded: int, parked: int) -> dict[str, Any]:
    return dict(SUCCESS)


def refused(status: int, message: str) -> dict[str, Any]:
    return {"return_code": CODES.get(status, "1000"), "return_msg": message}
