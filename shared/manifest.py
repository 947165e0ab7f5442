"""What a service declares about itself, so the operations layer can run it without knowing it.

Each service has a `manifest.py` holding one ServiceManifest; `ops.registry` lists them. shared/ defines the
shape only and names no service.
"""

from __future__ import annotations

from dataclasses import dataclass

# The processes a service may run besides its web app, started in this order and stopped in reverse:
# the outbox relay, the webhook deliverer, the consumer.
WORKER_KINDS = ("relay", "deliver", "worker")


@dataclass(frozen=True)
class ServiceManifest:
    name: str  # also its variables' prefix: ORDERS_PORT, ORDERS_MONGODB_URI
    package: str  # holds `wsgi:app` and `worker` (run as `python -m <package>.worker relay|consume|deliver`)
    default_port: int  # the web app's, when <NAME>_PORT is unset
    workers: tuple[str, ...]  # of WORKER_KINDS
    # Several consumer processes may share the group's partitions only when every consumed write is
    # version-guarded (the console's read model joins order- and shipment-keyed events, so it keeps one).
    scalable_consumers: bool
    variables: frozenset[str] = frozenset()  # read by its own bootstrap, beyond shared.config's common ones

    def __post_init__(self) -> None:
        unknown = set(self.workers) - set(WORKER_KINDS)
        if unknown:
            raise ValueError(f"{self.name}: unknown worker kinds {sorted(unknown)}")

    @property
    def prefix(self) -> str:
        return self.name.upper()
