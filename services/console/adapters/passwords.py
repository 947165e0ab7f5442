"""Operator passwords under Argon2id (a slow, memory-hard hash); the parameters travel inside each hash."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's second choice

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        """Spend the same time for an unknown name as for a wrong password (no user enumeration by timing)."""
        self.verify(_DUMMY, password)


_DUMMY = PasswordHasher().hash("parcelbridge-no-such-operator")
