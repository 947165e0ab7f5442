"""What the operations layer needs to know to run the shipping service (see shared/manifest.py)."""

from shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="shipping",
    package=__package__,
    default_port=8002,
    workers=("relay", "worker"),
    scalable_consumers=True,
    variables=frozenset({"SHIPPING_OUTBOX_SWEEP_SECONDS", "SHIPPING_OUTBOX_GRACE_SECONDS"}),
)
