"""Counters of the ingest path and the parked-scan sweep (the parsers stay pure; the handlers count)."""

from __future__ import annotations

from prometheus_client import Counter

SCANS_INGESTED = Counter(
    "parcelbridge_tracking_scans_ingested_total",
    "Carrier scans accepted by ingest, by carrier and outcome (recorded to the topic, or parked).",
    ["carrier", "outcome"],
)
UNMAPPED_CODES = Counter(
    "parcelbridge_tracking_unmapped_codes_total",
    "Carrier scans whose code no table maps (status `unknown`), by carrier and raw code.",
    ["carrier", "code"],
)
PARKED_RELEASED = Counter(
    "parcelbridge_tracking_parked_released_total",
    "Parked scans published once their number resolved to a shipment.",
    ["carrier"],
)
PARKED_EXPIRED = Counter(
    "parcelbridge_tracking_parked_expired_total",
    "Parked scans deleted unreleased: their number was not booked within TRACKING_PARKED_TTL_DAYS.",
)
INGEST_REFUSED = Counter(
    "parcelbridge_tracking_ingest_refused_total",
    "Carrier pushes answered with an error (bad signature or credential, malformed, too large, store down), by "
    "carrier and HTTP status.",
    ["carrier", "status"],
)
ITEMS_REFUSED = Counter(
    "parcelbridge_tracking_ingest_items_refused_total",
    "Carrier activities (UPS) or routes (SF) left out of a payload, by carrier and reason (see "
    "carriers/refusals.py); the rest of the payload is still recorded.",
    ["carrier", "reason"],
)
READ_CACHE = Counter(
    "parcelbridge_tracking_read_cache_total",
    "Public tracking reads answered from this process's memory (hit) or the store (miss), by cache: `alias` "
    "(a carrier number's shipment id) and `view` (a rendered answer, kept TRACKING_VIEW_CACHE_SECONDS).",
    ["cache", "outcome"],
)
