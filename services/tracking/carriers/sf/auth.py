"""SF's signature scheme: msgDigest = Base64(MD5(URLEncode(body + timestamp + checkWord))).

The digest and the timestamp (milliseconds since the epoch, as SF sends it) travel in the `msgDigest` and
`timestamp` request headers; the check word is the secret SF and we share. URLEncode is Java's
`URLEncoder.encode(s, "UTF-8")`: spaces become `+`, and only letters, digits and `.-*_` stay as they are.
MD5 is SF's choice, not ours; the timestamp window limits replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import quote_plus

DIGEST_HEADER = "msgDigest"
TIMESTAMP_HEADER = "timestamp"


class BadSignature(Exception):
    """Missing, wrong or stale: the request is refused and nothing is recorded."""


def java_url_encode(text: str) -> str:
    return quote_plus(text, safe="*").replace("~", "%7E")


def digest(body: str, timestamp: str, check_word: str) -> str:
    """The msgDigest SF computes for this body and timestamp."""
    encoded = java_url_encode(body + timestamp + check_word)
    return base64.b64encode(hashlib.md5(encoded.encode()).digest()).decode()


def verify(body: str, timestamp: str | None, signature: str | None, check_word: str, now: datetime,
           max_age: timedelta) -> None:
    """Raises BadSignature unless the signature matches and the timestamp is within `max_age` of now."""
    if not check_word:
        raise BadSignature("SF ingest is not configured (no check word)")
    if not timestamp or not signature:
        raise BadSignature(f"send the {TIMESTAMP_HEADER} and {DIGEST_HEADER} headers")
    if not timestamp.isdigit() or len(timestamp) > 16:
        raise BadSignature(f"{TIMESTAMP_HEADER} must be milliseconds since the epoch")
    age = abs(now.timestamp() * 1000 - int(timestamp))
    if age > max_age.total_seconds() * 1000:
        raise BadSignature(f"{TIMESTAMP_HEADER} is more than {int(max_age.total_seconds())} s away from now")
    if not hmac.compare_digest(digest(body, timestamp, check_word).encode(), signature.encode()):
        raise BadSignature(f"{DIGEST_HEADER} does not match the body")
