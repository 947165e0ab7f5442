"""What the operations layer needs to know to run the operator console (see shared/manifest.py)."""

from shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="console",
    package=__package__,
    default_port=8004,
    workers=("relay", "worker"),
    scalable_consumers=False,
    variables=frozenset({
        "CONSOLE_SESSION_HOURS", "CONSOLE_COOKIE_SECURE", "CONSOLE_ALERT_WEBHOOK_URL", "CONSOLE_ALERT_RULES",
        "CONSOLE_ALERT_REPEAT_SECONDS", "CONSOLE_STAGE_LIMITS", "CONSOLE_REPLAY_MAX", "CONSOLE_SAMPLE_SECONDS",
        "CONSOLE_BURROW_WINDOW", "CONSOLE_PUBLIC_URL",
    }),
)
