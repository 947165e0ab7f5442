"""Posting alert messages to the configured webhook (Slack's incoming-webhook JSON)."""

from __future__ import annotations

import logging
from typing import Any

import requests

log = logging.getLogger(__name__)


class WebhookPoster:
    def __init__(self, url: str | None, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()

    def post(self, payload: dict[str, Any]) -> str:
        """"sent", "failed: ..." or "not configured" — a failed post is logged and reported, not raised."""
        if not self.url:
            return "not configured"
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("alert webhook unreachable", extra={"error": str(exc)[:300]})
            return f"failed: {type(exc).__name__}"
        if response.status_code >= 300:
            log.warning("alert webhook refused", extra={"status": response.status_code})
            return f"failed: HTTP {response.status_code}"
        return "sent"
