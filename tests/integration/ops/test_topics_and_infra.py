"""Topic creation is idempotent and the local infrastructure command is a no-op when already up."""

import subprocess

import pytest

from ops.infra.isolated import PARCELBRIDGE
from shared.kafka.admin import ensure_topics
from shared.kafka.topics import TOPICS, all_topic_names

pytestmark = pytest.mark.integration


def test_declared_topics_exist_after_ensure_and_a_second_call_creates_nothing(admin):
    ensure_topics(admin, TOPICS)
    assert ensure_topics(admin, TOPICS) == []
    existing = set(admin.list_topics())
    assert set(all_topic_names()) <= existing


def test_infra_up_when_already_up_is_a_quick_no_op():
    result = subprocess.run([*PARCELBRIDGE, "infra", "up"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "kafka: already running" in result.stderr
    assert "ferretdb: already running" in result.stderr
    status = subprocess.run([*PARCELBRIDGE, "infra", "status"], capture_output=True, text=True, timeout=60)
    assert status.returncode == 0
