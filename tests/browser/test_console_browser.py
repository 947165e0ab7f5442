"""An operator's day in a real browser: log in, overview, topics, a consumer group, dead letters, a replay."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from shared.kafka.producer import make_kafka_producer
from tests.browser.conftest import ARTIFACTS
from tests.integration.console.console_support import dead_letter_one
from tests.integration.shared.kafka_helpers import read_all

pytestmark = pytest.mark.browser


@pytest.fixture
def lagging_group(make_topic, kafka_settings) -> tuple[str, str]:
    topic = make_topic(partitions=2)
    producer = make_kafka_producer(kafka_settings)
    for i in range(12):
        producer.send(topic, key=f"PB{i % 3}".encode(), value=b'{"n": %d}' % i, partition=i % 2)
    producer.flush()
    producer.close()
    group = f"test-browser-{uuid.uuid4().hex[:6]}"
    consumer = KafkaConsumer(bootstrap_servers=list(kafka_settings.bootstrap_servers), group_id=group,
                             enable_auto_commit=False)
    consumer.assign([TopicPartition(topic, 0)])
    consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(2, "", -1)})
    consumer.close(autocommit=False)
    return topic, group


@pytest.fixture
def poisoned(make_topic, kafka_settings) -> str:
    topic = make_topic()
    dead_letter_one(kafka_settings, topic, b"PB7QXBROWSER",
                    b'{"recipient": {"name": "Jane Doe", "phone": "+1 415 555 0100"}')
    return topic


def _no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 1366px wide"


def _timed_goto(page, url: str) -> float:
    began = time.perf_counter()
    page.goto(url, wait_until="load")
    return time.perf_counter() - began


def test_login_rejects_a_wrong_password(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/topics")
    page.fill("input[name=name]", "olga")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert page.locator("p.error").inner_text() == "Wrong name or password."
    cookies = {c["name"]: c for c in context.cookies()}
    assert "pb_console_session" not in cookies
    context.close()


def test_overview_topics_and_group_pages_update_live(console, page_as, base_url, screenshot, lagging_group):
    topic, group = lagging_group
    for _ in range(3):
        console.sampler().round()
    page = page_as("olga")
    cookie = next(c for c in page.context.cookies() if c["name"] == "pb_console_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    timings = {"overview": _timed_goto(page, base_url + "/")}
    page.wait_for_selector("body[data-updated]", state="attached", timeout=20_000)  # an SSE update arrived
    assert page.locator(".live-dot.on").count() == 1
    local = page.locator("time").first.get_attribute("title")
    assert "local time" in local
    _no_horizontal_scroll(page)
    screenshot(page, "overview")

    timings["topics"] = _timed_goto(page, base_url + "/topics")
    row = page.locator("tr", has=page.locator(f"a:text-is('{topic}')"))
    assert "12" in row.inner_text() and group in row.inner_text()
    _no_horizontal_scroll(page)
    screenshot(page, "topics")

    row.locator(f"a.tag:has-text('{group}')").click()
    page.wait_for_selector(f"h1:has-text('{group}')")
    assert page.locator("td span.muted:text-is('n/a')").count() >= 1  # the partition without a commit
    assert page.locator("table.partitions").inner_text().count("STOP") >= 1
    page.wait_for_selector(".chart.wide canvas")  # the lag history drawn in the browser
    _no_horizontal_scroll(page)
    screenshot(page, "group")

    timings["pipeline"] = _timed_goto(page, base_url + "/pipeline")
    page.wait_for_selector(".chart.wide canvas")  # entries per hour
    assert "Stuck parcels" in page.content()
    _no_horizontal_scroll(page)
    screenshot(page, "pipeline")

    timings["topic browser"] = _timed_goto(page, f"{base_url}/topics/{topic}?key=PB1")
    assert page.locator("article.record").count() == 4
    screenshot(page, "topic-browser")
    (ARTIFACTS / "page-load-seconds.json").write_text(json.dumps(timings, indent=2))


def test_an_operator_replays_a_dead_letter_after_a_dry_run(page_as, base_url, screenshot, poisoned, kafka_settings):
    page = page_as("olga")
    page.goto(base_url + "/dlq")
    row = page.locator("tr", has=page.locator(f"a:text-is('{poisoned}.dlq')"))
    assert "InvalidEnvelope" in row.inner_text()
    _no_horizontal_scroll(page)
    screenshot(page, "dlq")

    row.locator("a").first.click()
    page.wait_for_selector(f"h1:text-is('{poisoned}.dlq')")
    assert "Jane Doe" not in page.content()  # masked preview
    page.check("input[name=record]")
    page.click("button[data-action=dry-run-selected]")
    page.wait_for_selector("#plan h3:has-text('1 of 1')")
    screenshot(page, "dlq-dry-run")
    page.click("#confirm-replay")
    page.wait_for_selector("#plan p.notice:has-text('Replayed 1 record')")
    _no_horizontal_scroll(page)
    screenshot(page, "dlq-replayed")

    replayed = [r for r in read_all(kafka_settings, poisoned, expected=2, timeout=10)
                if dict(r.headers).get("x-replay-of")]
    assert len(replayed) == 1 and replayed[0].key == b"PB7QXBROWSER"


def test_a_viewer_gets_no_replay_controls_and_the_server_refuses_anyway(page_as, base_url, poisoned):
    page = page_as("vic")
    page.goto(f"{base_url}/dlq/{poisoned}.dlq")
    assert page.locator("#dlq-actions").count() == 0
    status = page.evaluate("""async (url) => {
        const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
            "X-CSRF-Token": document.body.dataset.csrf}, body: JSON.stringify({record_ids: ["x:0:0"]})});
        return r.status; }""", f"{base_url}/api/dlq/{poisoned}.dlq/dry-run")
    assert status == 403
