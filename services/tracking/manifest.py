"""What the operations layer needs to know to run the tracking service (see shared/manifest.py)."""

from shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="tracking",
    package=__package__,
    default_port=8003,
    workers=("relay", "worker"),
    scalable_consumers=True,
    variables=frozenset({
        "SF_CHECK_WORD", "SF_SIGNATURE_MAX_AGE_SECONDS", "UPS_TRACK_ALERT_CREDENTIAL",
        "TRACKING_CARRIER_MAX_BODY_BYTES", "TRACKING_MAX_SCANS_PER_REQUEST", "TRACKING_RATE_LIMIT_PER_SECOND",
        "TRACKING_RATE_LIMIT_BURST", "TRACKING_OUTBOX_SWEEP_SECONDS", "TRACKING_OUTBOX_GRACE_SECONDS",
        "TRACKING_VIEW_CACHE_SECONDS", "TRACKING_PARKED_TTL_DAYS", "TRACKING_PARKED_SWEEP_SECONDS",
    }),
)
