"""URL matching that never answers with Werkzeug's HTML redirect page.

Werkzeug redirects (308, HTML body) a path with doubled slashes to its merged form and a path without its
rule's trailing slash to the slashed one. Flask hands those redirects back as they are, past every error
handler, so they cannot become problem+json: the two rewrites are turned off, and such paths match the rule
directly (trailing slash) or answer the usual problem+json 404 (doubled slashes).
"""

from __future__ import annotations

from flask import Flask


def match_without_redirects(app: Flask) -> None:
    """Set `app`'s URL map so that routing raises only 404 and 405, never a redirect."""
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.url_map.redirect_defaults = False
