"""Webhook signatures: HMAC-SHA256 over `{timestamp}.{body}` with the webhook's secret, hex, prefixed `v1=`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SCHEME = "v1"


def new_secret() -> str:
    """A fresh signing secret with 256 random bits; the whole string (prefix included) is the HMAC key."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    """The `Webhook-Signature` header value for one attempt."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(secret: str, timestamp: int, body: str, header: str) -> bool:
    """What a receiver does: any `v1=` entry of the header matches, compared in constant time."""
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
