"""The trivial endpoint whose throughput under the services' gunicorn config is the HTTP ceiling."""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify({"ok": True})
