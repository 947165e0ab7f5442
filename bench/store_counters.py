"""Store commands as FerretDB counts them: `ferretdb_client_requests_total{command=...}` on its debug address.

Counted by the store itself, so every client is in it — each service process, the drivers' heartbeats
(`ismaster`) and any read the bench makes — without hooking anything into the services. A bulk write is one
command, as the store charges it (per command, not per document).
"""

from __future__ import annotations

import re

import requests

METRIC = "ferretdb_client_requests_total"
_SAMPLE = re.compile(r"^" + METRIC + r"\{(?P<labels>.*)\}\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')

Counts = dict[str, float]  # command name -> requests


def parse(text: str) -> Counts:
    """Requests by command name, summed over opcodes, from Prometheus text exposition."""
    found: Counts = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            command = dict(_LABEL.findall(match["labels"])).get("command", "unknown")
            found[command] = found.get(command, 0.0) + float(match["value"])
    return found


def fetch(url: str) -> Counts:
    """The store's counters now; raises if the store serves no metrics there (started without a debug port)."""
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    counts = parse(response.text)
    if not counts:
        raise RuntimeError(f"no {METRIC} at {url}: is FerretDB started with a debug address?")
    return counts
