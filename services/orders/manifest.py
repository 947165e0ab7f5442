"""What the operations layer needs to know to run the orders service (see shared/manifest.py)."""

from shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="orders",
    package=__package__,
    default_port=8001,
    workers=("relay", "deliver", "worker"),
    scalable_consumers=True,
    variables=frozenset({
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS", "WEBHOOKS_RETRY_DELAYS", "WEBHOOKS_DISABLE_AFTER",
        "WEBHOOKS_TIMEOUT_SECONDS", "WEBHOOKS_CONCURRENCY", "WEBHOOKS_SWEEP_SECONDS",
        "ORDERS_OUTBOX_SWEEP_SECONDS", "ORDERS_OUTBOX_GRACE_SECONDS",
    }),
)
