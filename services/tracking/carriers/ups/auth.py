"""UPS Track Alert authentication: the `credential` set in our subscription, echoed back by UPS in a header.

The same header guards Track API answers posted by our own reconciliation poller.
"""

from __future__ import annotations

import hmac

CREDENTIAL_HEADER = "credential"


class BadCredential(Exception):
    """Missing or wrong: the request is refused and nothing is recorded."""


def verify(presented: str | None, expected: str) -> None:
    """Raises BadCredential unless `presented` equals `expected` (compared in constant time)."""
    if not expected:
        raise BadCredential("UPS ingest is not configured (no Track Alert credential)")
    if not presented:
        raise BadCredential(f"send the {CREDENTIAL_HEADER} header")
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise BadCredential(f"the {CREDENTIAL_HEADER} header does not match")
