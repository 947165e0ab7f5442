"""The console's routes: server-rendered pages, their live regions over SSE, and the JSON API they use.

One module a concern, each installing its routes on the one `console` blueprint, so that endpoint names (which
the templates use) stay `console.<route>`. Routes parse the request, call a handler and shape the answer; they
are typed against the Protocols in `ports`, never against the composition root. Every route but the login form
needs a session, every state change the CSRF token, and every permission is checked here, on the server,
whatever the page shows (see `guard`).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from services.console.api import alerts, dead_letters, groups, guard, live, operators, pipeline, records, topics
from services.console.api.ports import Console
from services.console.openapi import openapi_document
from shared.http.docs import add_document_routes

# The templates and static files live beside this package, in services/console/.
CONSOLE_ROOT = Path(__file__).resolve().parent.parent


def console_blueprint(console: Console) -> Blueprint:
    bp = Blueprint("console", __name__, root_path=str(CONSOLE_ROOT), template_folder="templates",
                   static_folder="static", static_url_path="/static")
    guard.install(bp, console)
    add_document_routes(bp, openapi_document)
    regions = live.regions(console)
    operators.install(bp, console)
    pipeline.install(bp, console, regions)
    topics.install(bp, console, regions)
    records.install(bp, console)
    groups.install(bp, console, regions)
    dead_letters.install(bp, console, regions)
    alerts.install(bp, regions)
    live.install(bp, regions)
    return bp
