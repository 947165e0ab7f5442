"""Counters of the ingest path and the parked-scan sweep (the parsers stay pure; the handlers count)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

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

# The reconciliation poller (services/tracking/chores/reconciler.py), run by the tracking relay process.
RECON_CALLS = Counter(
    "parcelbridge_tracking_recon_calls_total",
    "Reconciliation queries of up to 10 numbers, by carrier and outcome (ok, failed after retries, skipped while "
    "the carrier's circuit is open).",
    ["carrier", "outcome"],
)
RECON_REQUESTS = Counter(
    "parcelbridge_tracking_recon_requests_total",
    "HTTP requests made to a carrier's query API (attempts, retries included), by carrier and HTTP status "
    "(`unreached`: connection error or timeout).",
    ["carrier", "status"],
)
RECON_NUMBERS = Counter(
    "parcelbridge_tracking_recon_numbers_total",
    "Tracking numbers asked of a carrier by the reconciliation poller.",
    ["carrier"],
)
RECON_SCANS = Counter(
    "parcelbridge_tracking_recon_scans_total",
    "Scans in the carriers' query answers, by carrier and whether the tracker lacked them when polled "
    "(`learned`) or had them already (`known`); all go through ingest, deduplicated by scan id.",
    ["carrier", "outcome"],
)
RECON_RETRIES = Counter(
    "parcelbridge_tracking_recon_retries_total",
    "Carrier query attempts repeated after a connection error, 429 or 5xx (Retry-After honoured).",
    ["carrier"],
)
RECON_NOTES = Counter(
    "parcelbridge_tracking_recon_carrier_notes_total",
    "Warnings and errors in carriers' query answers (UPS TW0001 not found, SF errorCode...), by carrier and code.",
    ["carrier", "code"],
)
RECON_BREAKER_STATE = Gauge(
    "parcelbridge_tracking_recon_breaker_state",
    "The circuit breaker in front of each carrier's query API: 0 closed, 1 half-open, 2 open.",
    ["carrier"],
)
RECON_DUE = Gauge(
    "parcelbridge_tracking_recon_due_trackers",
    "Trackers found due for a carrier query in the poller's last pass (at most TRACKING_RECON_MAX_PER_PASS).",
)
