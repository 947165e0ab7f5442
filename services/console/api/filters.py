"""Rendering helpers: Jinja filters for numbers, durations and UTC times, and server-sent event framing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape


def number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def duration(seconds: Any) -> str:
    """`3d 4h`, `5m 20s`, `950 ms`; "n/a" for None."""
    if seconds is None:
        return "n/a"
    s = float(seconds)
    if s == 0:
        return "0s"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if s >= size:
            parts.append(f"{int(s // size)}{unit}")
            s %= size
        if len(parts) == 2:
            break
    return " ".join(parts) or "0s"


def per_second(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):,.2f}/s"


def parse_time(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc(value: Any) -> Markup:
    """A <time> in UTC; the page's script adds the reader's local time as its tooltip."""
    moment = parse_time(value)
    if moment is None:
        return Markup("<span class=muted>n/a</span>")
    moment = moment.astimezone(UTC)
    iso = moment.isoformat(timespec="seconds")
    return Markup(f"<time datetime='{escape(iso)}' title='{escape(iso)}'>"
                  f"{escape(moment.strftime('%Y-%m-%d %H:%M:%S'))}Z</time>")


def age(value: Any, now: datetime | None = None) -> str:
    moment = parse_time(value)
    if moment is None:
        return "n/a"
    return duration(((now or datetime.now(UTC)) - moment).total_seconds())


def as_json(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"))


def pretty(value: Any) -> str:
    return json.dumps(value, default=str, indent=2, ensure_ascii=False)


FILTERS = {"num": number, "dur": duration, "rate": per_second, "utc": utc, "age": age, "tojson_compact": as_json,
           "pretty": pretty}


def sse(event: str, data: Any) -> str:
    """One server-sent event; the data is JSON on a single line."""
    return f"event: {event}\ndata: {as_json(data)}\n\n"


def sse_comment(text: str = "keep-alive") -> str:
    return f": {text}\n\n"
