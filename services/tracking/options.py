"""The tracking service's own settings (read from the environment by bootstrap.py, and only there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from services.tracking.domain.reconciliation import Thresholds


@dataclass(frozen=True)
class ReconOptions:
    """The reconciliation poller (run by the relay process); a carrier without a URL is never polled."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    interval_seconds: float = 60.0  # how often a pass looks for quiet trackers
    max_per_pass: int = 200  # trackers read (and at most asked about) per pass
    rate_per_second: float = 5.0  # requests per carrier; AfterShip allows 3-20/s, 17TRACK about 3/s
    burst: int = 5
    attempts: int = 3  # per request, the first included
    backoff_seconds: float = 0.5
    backoff_cap_seconds: float = 30.0
    breaker_failures: int = 5
    breaker_cool_down_seconds: float = 60.0
    ups_url: str = ""  # e.g. https://onlinetools.ups.com (the Track API and OAuth paths are added)
    ups_client_id: str = ""
    ups_client_secret: str = ""
    sf_url: str = ""  # e.g. https://sfapi.sf-express.com/std/service
    sf_partner_id: str = ""
    sf_check_phone: str = ""


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
    recon: ReconOptions = field(default_factory=ReconOptions)
