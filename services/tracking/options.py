"""The tracking service's own settings (read from the environment by bootstrap.py, and only there)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class TrackingOptions:
    sf_check_word: str = ""  # empty: SF ingest refuses every request (fail closed)
    sf_signature_max_age: timedelta = timedelta(minutes=5)
    ups_credential: str = ""  # empty: UPS ingest refuses every request (fail closed)
    carrier_max_body_bytes: int = 8 * 1_048_576
    max_scans_per_request: int = 10_000
    rate_per_second: float = 5.0  # per client address on the public API; 0 turns the limit off
    rate_burst: int = 20
    outbox_sweep_seconds: float = 5.0  # how often the relay looks for events a crashed consumer left unpublished
    outbox_grace_seconds: float = 15.0  # how old a hint must be before the relay takes it from the live writer
    view_cache_seconds: float = 1.0  # how long a process serves a rendered answer before reading again; 0 = off
    # Scans parked for a number nobody booked are dropped this long after parking (FerretDB has no TTL index).
    parked_ttl: timedelta = timedelta(days=30)
    parked_sweep_seconds: float = 3600.0  # how often the relay process deletes expired parked scans
