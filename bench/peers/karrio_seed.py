"""Scripts run inside Karrio's own Django (`karrio shell -c`): the bench user and token, and stored trackers (pure).

Trackers go in through the ORM with `bulk_create`, as upstream's own tests build them: no post_save signals,
so no huey task and no Event row per tracker. Each carries a China -> US journey of 17 to 26 events, newest
first (Karrio's order), like the 17 to ~26 timeline entries of the trackers seeded into our store.
"""

from __future__ import annotations

import json
import random
from typing import Any

from bench.peers.karrio_plan import ADMIN_EMAIL, ADMIN_PASSWORD
from bench.peers.karrio_requests import CARRIER_ID

MARKER = "PEER-STATE "
PREFIX = "PB"
BATCH = 2_000
DELIVERED_SHARE = 0.6  # like ours: most parcels finished their journey, the rest are on their way
JOURNEY = (
    ("PU", "Picked up", "Shenzhen"), ("AR", "Arrived at sorting centre", "Shenzhen"),
    ("DP", "Departed sorting centre", "Shenzhen"), ("AR", "Arrived at export hub", "Guangzhou"),
    ("EX", "Export declaration submitted", "Guangzhou"), ("EC", "Export customs cleared", "Guangzhou"),
    ("HO", "Handed over to airline", "Guangzhou"), ("DA", "Departed airport", "Guangzhou"),
    ("AA", "Arrived at airport", "Los Angeles"), ("IC", "Import customs in progress", "Los Angeles"),
    ("CR", "Released by CBP", "Los Angeles"), ("HU", "Handed over to UPS", "Los Angeles"),
    ("OR", "Origin scan", "Ontario CA"), ("DP", "Departed facility", "Ontario CA"),
    ("AR", "Arrived at facility", "Hodgkins IL"), ("DP", "Departed facility", "Hodgkins IL"),
    ("AR", "Arrived at facility", "Secaucus NJ"), ("DP", "Departed facility", "Secaucus NJ"),
    ("AR", "Arrived at destination facility", "Brooklyn NY"), ("DS", "Processing at destination", "Brooklyn NY"),
    ("OD", "Out for delivery", "Brooklyn NY"), ("NA", "Delivery attempted, customer not available", "Brooklyn NY"),
    ("AR", "Held at access point", "Brooklyn NY"), ("OD", "Out for delivery", "Brooklyn NY"),
    ("DL", "Delivered", "Brooklyn NY"),
)
MIN_EVENTS, MAX_EVENTS = 17, 26


def tracking_number(index: int) -> str:
    return f"{PREFIX}{index:08d}"


def sample_numbers(stored: int, size: int, seed: int) -> list[str]:
    """`size` tracking numbers drawn at random from every stored one (all of them if there are fewer)."""
    return [tracking_number(i) for i in random.Random(seed).sample(range(stored), min(size, stored))]


def journey(length: int, delivered: bool) -> list[dict[str, str]]:
    """A tracker's events, newest first: the first `length` steps, or the whole journey up to delivery."""
    steps = list(JOURNEY) if delivered else list(JOURNEY[:min(length, len(JOURNEY) - 1)])
    if delivered and length > len(JOURNEY):  # one more scan on the way: a second sort in Hodgkins
        steps.insert(15, ("AR", "Arrived at facility", "Hodgkins IL"))
    return [{"date": f"2026-07-{1 + i // 4:02d}", "time": f"{8 + 3 * (i % 4):02d}:00", "code": code,
             "description": text, "location": where} for i, (code, text, where) in reversed(list(enumerate(steps)))]


def variants() -> list[dict[str, Any]]:
    """The tracker shapes the seed cycles through: (status, delivered, events) for 10 in-transit/delivered mixes."""
    found = []
    for i in range(10):
        delivered = i < DELIVERED_SHARE * 10
        length = MIN_EVENTS + (i * 3) % (MAX_EVENTS - MIN_EVENTS + 1)
        events = journey(MAX_EVENTS if delivered and i % 2 else length, delivered)
        found.append({"status": "delivered" if delivered else "in_transit", "delivered": delivered,
                      "events": events})
    return found


def state_script() -> str:
    """Creates the bench superuser and its token once; prints MARKER + {"key", "trackers"} (PB trackers stored)."""
    return f"""
import json
from django.contrib.auth import get_user_model
from karrio.server.user.models import Token
from karrio.server.manager.models import Tracking
users = get_user_model().objects
user = (users.filter(email={ADMIN_EMAIL!r}).first()
        or users.create_superuser(email={ADMIN_EMAIL!r}, password={ADMIN_PASSWORD!r}))
token = Token.objects.filter(user=user, label="bench").first() or Token.objects.create(user=user, label="bench")
stored = Tracking.objects.filter(tracking_number__startswith={PREFIX!r}).count()
print({MARKER!r} + json.dumps({{"key": token.key, "trackers": stored}}), flush=True)
"""


def seed_script(start: int, stop: int) -> str:
    """Stores trackers tracking_number(start) .. tracking_number(stop - 1); prints the running count per batch."""
    return f"""
import json
from django.contrib.auth import get_user_model
from karrio.server.manager.models import Tracking
VARIANTS = json.loads({json.dumps(variants())!r})
CARRIER = {{"carrier_code": "generic", "carrier_id": {CARRIER_ID!r}, "carrier_name": "generic", "test_mode": False}}
user = get_user_model().objects.get(email={ADMIN_EMAIL!r})
for first in range({start}, {stop}, {BATCH}):
    rows = []
    for i in range(first, min(first + {BATCH}, {stop})):
        shape = VARIANTS[i % len(VARIANTS)]
        rows.append(Tracking(tracking_number=f"{PREFIX}{{i:08d}}", status=shape["status"], delivered=shape["delivered"],
                             test_mode=False, created_by=user, carrier=CARRIER, events=shape["events"]))
    Tracking.objects.bulk_create(rows, batch_size=1000)
    print({MARKER!r} + json.dumps({{"seeded": len(rows)}}), flush=True)
"""


def parse_states(output: str) -> list[dict[str, Any]]:
    """Every MARKER line a script printed, decoded (Django's shell adds its own lines around them)."""
    return [json.loads(line.split(MARKER, 1)[1]) for line in output.splitlines() if MARKER in line]
