"""Real data on the running stack for tests that must hit existing orders, shipments, trackers and webhooks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests

from ops.infra.isolated import IsolatedStack as Stack
from shared.kafka.topics import TOPICS
from tests.common.stack_reads import auth, order_body, order_with_status
from tests.e2e.fuzzing import Seeded

BOOKED = 3
CONSOLE_PASSWORD = "fuzzing operator password"
# A loopback port in the tests' own block where nothing listens: deliveries fail and stay on this machine.
NOWHERE = "http://127.0.0.1:{port}/fuzz-webhook"


@dataclass
class Seeds:
    """Two shippers; the first owns booked orders (with their three numbers), a cancelled one and a webhook."""

    key: str
    other_key: str
    webhook_key: str  # registers fuzzed webhook URLs: it owns no order, so nothing is ever delivered to them
    order_ids: list[str] = field(default_factory=list)
    shipment_ids: list[str] = field(default_factory=list)
    sf_waybills: list[str] = field(default_factory=list)
    ups_numbers: list[str] = field(default_factory=list)
    webhook_ids: list[str] = field(default_factory=list)
    disposable_webhook_ids: list[str] = field(default_factory=list)  # for DELETE, so reads keep theirs
    other_order_ids: list[str] = field(default_factory=list)
    webhook_url: str = ""
    console_session: str = ""  # an admin's session cookie and its CSRF token
    console_csrf: str = ""

    def fuzzing(self) -> Seeded:
        """Real ids per OpenAPI path parameter, and a webhook body that registers, for the fuzzer."""
        return Seeded({
            "order_id": self.order_ids,
            "shipment_id": self.shipment_ids,
            "number": self.shipment_ids + self.sf_waybills + self.ups_numbers,
            "webhook_id": self.webhook_ids,
            "DELETE webhook_id": self.disposable_webhook_ids,
        }, {"POST /v1/webhooks": {"url": self.webhook_url, "description": "fuzzed"}})


def console_fuzzing(seeds: Seeds) -> Seeded:
    """The console's real topics, dead-letter topics, consumer groups and parcel numbers."""
    return Seeded({"name": [topic.name for topic in TOPICS], "topic": [topic.dlq for topic in TOPICS],
                   "group": ["orders", "shipping", "tracking", "console"],
                   "number": seeds.order_ids[:1] + seeds.shipment_ids[:1] + seeds.sf_waybills[:1]})


def seed(stack: Stack) -> Seeds:
    """Place and book orders for one shipper, cancel one, register a webhook, and give a second shipper an order."""
    seeds = Seeds(stack.create_shipper("Fuzz Seeds"), stack.create_shipper("Fuzz Other Tenant"),
                  stack.create_shipper("Fuzz Webhooks Only"))
    placed = [_place(stack, seeds.key) for _ in range(BOOKED + 1)]
    for order_id in placed[:BOOKED]:
        booking = order_with_status(stack, seeds.key, order_id, "booked")["booking"]
        seeds.shipment_ids.append(booking["shipment_id"])
        seeds.sf_waybills.append(booking["sf_waybill"])
        seeds.ups_numbers.append(booking["ups_tracking_number"])
    _post(stack, seeds.key, f"/v1/orders/{placed[BOOKED]}/cancel", {"reason": "seeded cancellation"}, 200)
    seeds.order_ids = placed
    seeds.webhook_url = NOWHERE.format(port=int(stack.env["ORDERS_PORT"]) - 2)
    for n, ids in enumerate((seeds.webhook_ids, seeds.disposable_webhook_ids, seeds.disposable_webhook_ids)):
        ids.append(_post(stack, seeds.key, "/v1/webhooks", {"url": f"{seeds.webhook_url}/{n}"}, 201)["id"])
    seeds.other_order_ids.append(_place(stack, seeds.other_key))
    seeds.console_session, seeds.console_csrf = _console_login(stack)
    return seeds


def _console_login(stack: Stack) -> tuple[str, str]:
    """An admin's session, logged in through the form as a browser does."""
    stack.cli("operators", "create", "fuzz-admin", "--role", "admin", "--password", CONSOLE_PASSWORD)
    browser = requests.Session()
    form = browser.get(f"{stack.url('console')}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    browser.post(f"{stack.url('console')}/login", timeout=10, allow_redirects=False,
                 data={"name": "fuzz-admin", "password": CONSOLE_PASSWORD, "csrf_token": token})
    csrf = browser.get(f"{stack.url('console')}/api/me", timeout=10).json()["csrf_token"]
    return browser.cookies["pb_console_session"], csrf


def _place(stack: Stack, key: str) -> str:
    return _post(stack, key, "/v1/orders", order_body(), 201)["id"]


def _post(stack: Stack, key: str, path: str, body: dict, status: int) -> dict:
    response = requests.post(f"{stack.url('orders')}{path}", json=body, headers=auth(key), timeout=10)
    assert response.status_code == status, response.text
    return response.json()
