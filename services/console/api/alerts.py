"""Alerts: the rules, their states and the delivery log."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.console.api.live import Region
from services.console.api.rendering import page


def install(bp: Blueprint, live: dict[str, Region]) -> None:
    @bp.get("/alerts")
    def alerts():
        return page("alerts", "alerts.html", **live["alerts"]({}))

    @bp.get("/api/alerts")
    def api_alerts():
        context = live["alerts"]({})
        return jsonify(rules=[r.__dict__ for r in context["rules"]], states=[s.__dict__ for s in context["states"]],
                       log=context["log"], webhook_configured=context["webhook"])
