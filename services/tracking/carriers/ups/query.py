"""The UPS Track API v1 request the reconciliation poller sends, and UPS's OAuth token answer (pure).

`GET /api/track/v1/details/{inquiryNumber}?locale=en_US&returnSignature=false&returnMilestones=false` with
`Authorization: Bearer <token>`, `transId` (unique per request) and `transactionSrc`. The token comes from
`POST /security/v1/oauth/token` (`grant_type=client_credentials`, HTTP Basic with the app's client id and
secret); UPS answers `expires_in` in seconds, as a string. One inquiry number per call: the answer's
`trackResponse` is what `parse.parse` reads, the same parser the push endpoint uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

TRACK_PATH = "/api/track/v1/details/"
TOKEN_PATH = "/security/v1/oauth/token"
TRANSACTION_SOURCE = "parcelbridge"
TOKEN_EARLY_S = 60  # renew this long before UPS says the token ends: a call must not carry one that expires mid-way


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: float  # on the caller's monotonic clock

    def fresh(self, now: float) -> bool:
        return now < self.expires_at - TOKEN_EARLY_S


def track_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}{TRACK_PATH}{quote(number, safe='')}"


def track_params() -> dict[str, str]:
    return {"locale": "en_US", "returnSignature": "false", "returnMilestones": "false", "returnPOD": "false"}


def track_headers(token: str, trans_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "transId": trans_id[:32], "transactionSrc": TRANSACTION_SOURCE,
            "Accept": "application/json"}


def token_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}{TOKEN_PATH}"


def read_token(answer: object, now: float) -> Token:
    """The bearer token of a token answer; raises ValueError when the answer carries none."""
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        raise ValueError("the UPS token answer has no access_token")
    try:
        lifetime = float(answer.get("expires_in", 0))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the UPS token answer's expires_in is not a number: {answer.get('expires_in')!r}") from exc
    return Token(answer["access_token"], now + lifetime)
