"""Shipper API keys: `Authorization: Bearer <key>`, checked against a store of key hashes.

Keys are long random strings, so one SHA-256 is enough (no slow hash needed), and the hash is the
`_id` of the stored key: a lookup is a single-key read, and no comparison of secrets happens in Python.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import request
from pymongo.collection import Collection

from shared.http.problems import Problem

KEY_PREFIX = "pbk_"


def new_api_key() -> str:
    """A fresh API key with 256 random bits."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="parcelbridge"'})


def bearer_key() -> str:
    """The key in the Authorization header; 401 when absent or malformed."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise _unauthorized("send 'Authorization: Bearer <API key>'")
    return key.strip()


def authenticate(keys: Collection) -> str:
    """The shipper id owning the request's key; 401 for a missing, unknown or revoked key."""
    key = bearer_key()
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise _unauthorized("the API key is not valid")
    record: dict[str, Any] | None = keys.find_one({"_id": key_hash(key)})
    if record is None or record.get("revoked"):
        raise _unauthorized("the API key is not valid or was revoked")
    return str(record["shipper_id"])
