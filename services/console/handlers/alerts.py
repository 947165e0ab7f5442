"""Alerts as the console shows them: the rules, each alert's state, the delivery log, and those firing now.

The sampler evaluates the rules and stores the states (see sampler.Sampler.evaluate); these only read them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.console.adapters.history import MongoHistory
from services.console.domain.alerts import Rule


def firing(history: MongoHistory) -> list[dict[str, Any]]:
    """Alerts firing or pending, the longest-standing first."""
    states = history.alert_states().values()
    return sorted(({"key": s.key, "rule_id": s.rule_id, "subject": s.subject, "state": s.state, "since": s.since,
                    "value": s.value, "message": s.message} for s in states if s.state in ("firing", "pending")),
                  key=lambda a: a["since"])


def alerts_page(history: MongoHistory, rules: tuple[Rule, ...], webhook_configured: bool, repeat: timedelta
                ) -> dict[str, Any]:
    """Every rule, every alert state (newest change first) and the last 100 notifications."""
    states = sorted(history.alert_states().values(), key=lambda s: s.since, reverse=True)
    return {"rules": rules, "states": states, "log": history.notifications(100), "webhook": webhook_configured,
            "repeat_s": repeat.total_seconds()}
