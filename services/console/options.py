"""The console's own settings beyond shared.config's, read from the environment by the bootstrap only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from services.console.domain import alerts
from services.console.domain.snapshot import DEFAULT_LIMITS, InvalidLimits, parse_limits
from shared.config import EnvReader


@dataclass(frozen=True)
class ConsoleOptions:
    session_lifetime: timedelta = timedelta(hours=12)
    cookie_secure: bool = False  # true behind TLS; a plain-http local console cannot use Secure cookies
    webhook_url: str | None = None
    rules: tuple[alerts.Rule, ...] = alerts.DEFAULT_RULES
    alert_repeat: timedelta = timedelta(hours=1)
    stage_limits: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    max_replays: int = 3
    sample_seconds: float = 10.0
    burrow_window: int = 10
    public_url: str = "http://127.0.0.1:8004"


def load_options(environ: Mapping[str, str], default_url: str) -> ConsoleOptions:
    """The options; raises ConfigError naming every bad variable."""
    reader = EnvReader(environ)
    problems = reader.problems
    number = reader.number
    rules = alerts.DEFAULT_RULES
    if environ.get("CONSOLE_ALERT_RULES", "").strip():
        try:
            rules = alerts.parse_rules(environ["CONSOLE_ALERT_RULES"])
        except alerts.InvalidRule as exc:
            problems.append(f"CONSOLE_ALERT_RULES: {exc}")
    limits = dict(DEFAULT_LIMITS)
    try:
        limits = parse_limits(environ.get("CONSOLE_STAGE_LIMITS", ""))
    except InvalidLimits as exc:
        problems.append(f"CONSOLE_STAGE_LIMITS: {exc}")
    webhook = reader.optional("CONSOLE_ALERT_WEBHOOK_URL")
    if webhook and not webhook.startswith(("http://", "https://")):
        problems.append("CONSOLE_ALERT_WEBHOOK_URL must be an http(s) URL")
    options = ConsoleOptions(
        session_lifetime=timedelta(hours=number("CONSOLE_SESSION_HOURS", 12, 0.1, 24 * 30)),
        cookie_secure=reader.flag("CONSOLE_COOKIE_SECURE", False),
        webhook_url=webhook,
        rules=rules,
        alert_repeat=timedelta(seconds=number("CONSOLE_ALERT_REPEAT_SECONDS", 3600, 10, 7 * 86400)),
        stage_limits=limits,
        max_replays=reader.integer("CONSOLE_REPLAY_MAX", 3, 1, 100),
        sample_seconds=number("CONSOLE_SAMPLE_SECONDS", 10, 1, 3600),
        burrow_window=reader.integer("CONSOLE_BURROW_WINDOW", 10, 3, 180),
        public_url=reader.optional("CONSOLE_PUBLIC_URL") or default_url,
    )
    reader.check()
    return options
