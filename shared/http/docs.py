"""A human-readable page of the OpenAPI document, rendered on the server (no scripts, no CDN)."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any

from flask import Blueprint, Response, jsonify

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.3rem;margin-top:2.5rem}
.op{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.method{font-weight:bold;text-transform:uppercase;margin-right:.5rem}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
"""


def add_document_routes(api: Blueprint, document: Callable[[], dict[str, Any]]) -> None:
    """Serve `document()` on `api` as /openapi.json and as the /docs page."""

    @api.get("/openapi.json")
    def openapi():
        return jsonify(document())

    @api.get("/docs")
    def docs():
        return Response(docs_page(document()), mimetype="text/html")


def docs_page(document: dict[str, Any]) -> str:
    """The whole page: every operation, its parameters, request example and responses, then the schemas."""
    info = document["info"]
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(info['title'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(info['title'])} <small>{escape(info['version'])}</small></h1>",
        f"<p>{escape(info.get('description', ''))}</p>",
        "<p>Machine-readable: <a href=/openapi.json>/openapi.json</a> (OpenAPI 3.1).</p>",
        "<h2>Operations</h2>",
    ]
    for path, operations in document["paths"].items():
        parts.extend(_operation(path, method, op) for method, op in operations.items())
    parts.append("<h2>Schemas</h2>")
    for name, schema in document["components"]["schemas"].items():
        parts.append(f"<h3 id='schema-{escape(name)}'>{escape(name)}</h3>{_pre(schema)}")
    parts.append("</body></html>")
    return "".join(parts)


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    html = [f"<div class=op><p><span class=method>{escape(method)}</span><code>{escape(path)}</code>",
            f" — {escape(op.get('summary', ''))}</p>"]
    if op.get("description"):
        html.append(f"<p>{escape(op['description'])}</p>")
    if op.get("parameters"):
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else 'no'}</td><td>{escape(p.get('description', ''))}</td>"
            f"<td><code>{escape(json.dumps(p['schema']))}</code></td></tr>"
            for p in op["parameters"]
        )
        html.append(f"<table><tr><th>parameter</th><th>in</th><th>required</th><th></th><th>schema</th></tr>{rows}"
                    "</table>")
    body = op.get("requestBody")
    if body:
        media = body["content"]["application/json"]
        html.append(f"<p>Request body ({'required' if body.get('required') else 'optional'}), schema "
                    f"{_schema_link(media['schema'])}, example:</p>{_pre(media['example'])}")
    responses = "".join(
        f"<li><b>{escape(status)}</b> {escape(response['description'])}"
        f"{''.join(' ' + _schema_link(m['schema']) for m in response.get('content', {}).values())}</li>"
        for status, response in op["responses"].items()
    )
    html.append(f"<ul>{responses}</ul></div>")
    return "".join(html)


def _schema_link(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if not ref:
        return f"<code>{escape(json.dumps(schema))}</code>"
    name = ref.rsplit("/", 1)[-1]
    return f"<a href='#schema-{escape(name)}'>{escape(name)}</a>"


def _pre(value: Any) -> str:
    return f"<pre>{escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"
